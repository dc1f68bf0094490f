/** KafkaSecurity in each library's spelling: kafkajs's `ssl` and lower-case mechanisms, @platformatic/kafka's `tls` and upper-case ones. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { kafkajsSecurity, platformaticSecurity } from "./security.js";

const sasl = { mechanism: "scram-sha-512" as const, username: "u", password: "p" };

test("nothing set gives nothing, and tls: false is no TLS", () => {
  assert.deepEqual(kafkajsSecurity(undefined), {});
  assert.deepEqual(platformaticSecurity({ tls: false }), {});
});

test("kafkajs: ssl as given (true or Node TLS options), SASL as is", () => {
  assert.deepEqual(kafkajsSecurity({ tls: true, sasl }), { ssl: true, sasl });
  assert.deepEqual(kafkajsSecurity({ tls: { ca: "PEM", servername: "b" } }), { ssl: { ca: "PEM", servername: "b" } });
});

test("@platformatic/kafka: tls options ({} for true), upper-case mechanism", () => {
  assert.deepEqual(platformaticSecurity({ tls: true, sasl }), { tls: {}, sasl: { mechanism: "SCRAM-SHA-512", username: "u", password: "p" } });
  assert.deepEqual(platformaticSecurity({ tls: { rejectUnauthorized: false }, sasl: { ...sasl, mechanism: "plain" } }), {
    tls: { rejectUnauthorized: false },
    sasl: { mechanism: "PLAIN", username: "u", password: "p" },
  });
});
