/**
 * Choosing the Kafka client library by name: the option beats SLUICE_KAFKA_CLIENT, which beats the
 * kafkajs default; an unknown name fails when the connector is defined, naming where it came from;
 * @platformatic/kafka is not loaded until a client of it is used.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { chosenKafkaLibrary, createKafkaClient } from "./clientChoice.js";
import { KafkaConnectorError } from "./errors.js";
import { KafkajsClient } from "./KafkajsClient.js";
import { kafkaSink } from "./KafkaSink.js";
import { kafkaSource } from "./KafkaSource.js";

const saved = process.env.SLUICE_KAFKA_CLIENT;
afterEach(() => {
  if (saved === undefined) delete process.env.SLUICE_KAFKA_CLIENT;
  else process.env.SLUICE_KAFKA_CLIENT = saved;
});

test("the option beats SLUICE_KAFKA_CLIENT, which beats the kafkajs default", () => {
  delete process.env.SLUICE_KAFKA_CLIENT;
  assert.equal(chosenKafkaLibrary(undefined), "kafkajs");
  process.env.SLUICE_KAFKA_CLIENT = "platformatic";
  assert.equal(chosenKafkaLibrary(undefined), "platformatic");
  assert.equal(chosenKafkaLibrary("kafkajs"), "kafkajs");
});

test("an unknown library name is a typed, non-retriable error naming its origin", () => {
  delete process.env.SLUICE_KAFKA_CLIENT;
  assert.throws(
    () => chosenKafkaLibrary("librdkafka" as never),
    (e: unknown) => e instanceof KafkaConnectorError && !e.retriable && /Unknown Kafka client library 'librdkafka' \(library\); choose one of kafkajs, platformatic/.test(e.message),
  );
  process.env.SLUICE_KAFKA_CLIENT = "java";
  assert.throws(() => kafkaSource({ brokers: ["127.0.0.1:9"], topics: ["t"] }), /'java' \(SLUICE_KAFKA_CLIENT\)/, "the source checks when it is defined");
  assert.throws(() => kafkaSink({ brokers: ["127.0.0.1:9"], topic: "t" }), /'java' \(SLUICE_KAFKA_CLIENT\)/, "the sink too");
  // A ready client is used as given: the setting does not matter then.
  const client = KafkajsClient.create({ brokers: ["127.0.0.1:9"] });
  assert.doesNotThrow(() => kafkaSource({ client, topics: ["t"] }));
});

test("createKafkaClient gives a client of the chosen library; @platformatic/kafka is loaded on first use only", async () => {
  delete process.env.SLUICE_KAFKA_CLIENT;
  const kafkajs = createKafkaClient(undefined, ["127.0.0.1:9"], "test");
  assert.ok(kafkajs instanceof KafkajsClient);
  await kafkajs.close();
  const platformatic = createKafkaClient("platformatic", ["127.0.0.1:9"], "test");
  assert.equal(platformatic.library, "@platformatic/kafka");
  assert.equal(typeof platformatic.commitOffsets, "function", "offers group commits (the source checks for it synchronously)");
  assert.equal(typeof platformatic.commitPrepared, "function", "offers prepared-transaction commits (the exactly-once sink checks for it)");
  // On Node 20 the library's polyfill (platformatic/polyfill.ts) shows whether it was loaded.
  const node20 = Number(process.versions.node.split(".")[0]) < 22;
  await platformatic.close(); // never used: closing must not load the library
  if (node20) assert.equal(typeof (Promise as { withResolvers?: unknown }).withResolvers, "undefined", "not loaded by creating or closing a client");
  const used = createKafkaClient("platformatic", ["127.0.0.1:9"], "test");
  try {
    await assert.rejects(used.ping(), KafkaConnectorError, "nothing listens on port 9");
  } finally {
    await used.close();
  }
  if (node20) assert.equal(typeof (Promise as { withResolvers?: unknown }).withResolvers, "function", "loaded (with its polyfill) once used");
});
