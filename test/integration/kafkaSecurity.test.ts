/**
 * Kafka connectors against a listener that needs SASL (scripts/kafka.sh starts one beside the plain
 * listener), on both client libraries, as a managed cluster would ask: PLAIN with the broker's own
 * user, SCRAM-SHA-256 and SCRAM-SHA-512 with users stored in the cluster. A job reads and writes
 * (exactly-once) through the SASL listener only; the output is checked through the plain one. A
 * wrong password fails the job at once with a KafkaAuthenticationError (no endless retries).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { before, describe, test } from "node:test";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { KafkaLibrary } from "../../engine/src/connectors/kafka/clientChoice.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { ConnectorStatus } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { KafkaAuthenticationError } from "../../engine/src/connectors/kafka/errors.js";
import { Admin, kGetApi, kGetConnection, type Connection } from "../../engine/src/connectors/kafka/platformatic/library.js";
import type { KafkaSecurity } from "../../engine/src/connectors/kafka/security.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, readerContext, readToEnd, uniqueTopic } from "./kafkaBroker.js";

type Mechanism = NonNullable<KafkaSecurity["sasl"]>["mechanism"];
type Item = { id: number };

const script = fileURLToPath(new URL("../../../scripts/kafka.sh", import.meta.url));
const PLAIN_USER = { username: "sluice", password: "sluice-secret" }; // in scripts/kafka/server.properties.in

/** A SCRAM user stored in the cluster (AlterUserScramCredentials; kafkajs has no API for it). */
async function createScramUser(bootstrap: string, mechanism: "scram-sha-256" | "scram-sha-512", username: string, password: string): Promise<void> {
  const [hash, length, type] = mechanism === "scram-sha-256" ? (["sha256", 32, 1] as const) : (["sha512", 64, 2] as const);
  const salt = randomBytes(16);
  const iterations = 4_096;
  const saltedPassword = pbkdf2Sync(password, salt, iterations, length, hash);
  const [host, port] = bootstrap.split(":");
  const admin = new Admin({ clientId: "sluice-test", bootstrapBrokers: [bootstrap] });
  const call = <T>(start: (callback: (error: Error | null, value?: T) => void) => void) => new Promise<T>((resolve, reject) => start((e, v) => (e ? reject(e) : resolve(v as T))));
  try {
    const connection = await call<Connection>((cb) => admin[kGetConnection]({ host: host!, port: Number(port) }, cb));
    type Api = { async(c: Connection, deletions: unknown[], upsertions: unknown[]): Promise<{ results: { user: string; errorCode: number; errorMessage: string | null }[] }> };
    const api = await call<Api>((cb) => admin[kGetApi]("AlterUserScramCredentials", cb as never));
    const answer = await api.async(connection, [], [{ name: username, mechanism: type, iterations, salt, saltedPassword }]);
    assert.deepEqual(
      answer.results.map((r) => [r.user, r.errorCode]),
      [[username, 0]],
      JSON.stringify(answer.results),
    );
  } finally {
    await admin.close();
  }
}

describe(`Kafka over SASL (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();
  let sasl: string;
  const users = new Map<Mechanism, { username: string; password: string }>([["plain", PLAIN_USER]]);

  before(async () => {
    sasl = (await promisify(execFile)("bash", [script, "bootstrap-sasl", kafkaVersion])).stdout.trim();
    for (const mechanism of ["scram-sha-256", "scram-sha-512"] as const) {
      const user = { username: uniqueTopic(`user-${mechanism}`), password: `pw-${mechanism}` };
      await createScramUser(broker.bootstrap, mechanism, user.username, user.password);
      users.set(mechanism, user);
    }
  });

  for (const library of ["kafkajs", "platformatic"] as KafkaLibrary[]) {
    for (const mechanism of ["plain", "scram-sha-256", "scram-sha-512"] as Mechanism[]) {
      test(`${library}, ${mechanism}: a job reads and writes exactly-once through the SASL listener only`, { timeout: 120_000 }, async () => {
        const input = uniqueTopic("sasl-in");
        const output = uniqueTopic("sasl-out");
        await broker.client.createTopics([
          { topic: input, partitions: 2 },
          { topic: output, partitions: 2 },
        ]);
        const producer = await broker.client.openProducer({ idempotent: true });
        await producer.send(Array.from({ length: 300 }, (_, id) => ({ topic: input, key: String(id), value: JSON.stringify({ id }) })));
        await producer.close();
        const security: KafkaSecurity = { sasl: { mechanism, ...users.get(mechanism)! } };
        const env = StreamEnvironment.create({ parallelism: 2 });
        env
          .fromSource(kafkaSource<Item>({ brokers: [sasl], library, security, topics: [input], bounded: true }))
          .map((v) => ({ id: v.id + 1_000 }))
          .sinkTo(kafkaSink<Item>({ brokers: [sasl], library, security, topic: output, guarantee: "exactly-once", transactionalIdPrefix: uniqueTopic("sasl-txn"), key: (v) => String(v.id) }));
        const result = await env.execute(`sasl-${library}-${mechanism}`).done;
        assert.equal(result.error, undefined, String(result.error));
        // Checked through the plain listener, with kafkajs: a different path than the job's.
        const reader = kafkaSource<Item>({ brokers: [broker.bootstrap], library: "kafkajs", topics: [output], bounded: true }).createReader(readerContext());
        try {
          const ids = (await readToEnd(reader)).values.map((v) => v.id).sort((a, b) => a - b);
          assert.deepEqual(
            ids,
            Array.from({ length: 300 }, (_, i) => 1_000 + i),
          );
        } finally {
          await reader.close?.();
        }
      });
    }

    test(`${library}: a wrong password fails the job at once with KafkaAuthenticationError, from a source or a sink`, { timeout: 60_000 }, async (t) => {
      const topic = uniqueTopic("sasl-denied");
      await broker.client.createTopics([{ topic, partitions: 1 }]);
      const wrong: KafkaSecurity = { sasl: { mechanism: "plain", username: PLAIN_USER.username, password: "wrong" } };
      const statuses: ConnectorStatus[] = [];
      const reading = StreamEnvironment.create();
      reading.fromSource(kafkaSource({ brokers: [sasl], library, security: wrong, topics: [topic], onStatus: (_, s) => statuses.push(s) })).print();
      const read = await reading.execute(`sasl-denied-source-${library}`).done;
      t.diagnostic(`source: ${String(read.error)}`);
      assert.ok(read.error instanceof KafkaAuthenticationError, String(read.error));
      assert.match(read.error.message, /Kafka authentication failed: .*(SASL|auth)/i);
      assert.ok(
        statuses.every((s) => s.state !== "retrying"),
        `never retried: ${JSON.stringify(statuses)}`,
      );
      const writing = StreamEnvironment.create();
      writing.fromArray([{ id: 1 }]).sinkTo(kafkaSink<Item>({ brokers: [sasl], library, security: wrong, topic }));
      const write = await writing.execute(`sasl-denied-sink-${library}`).done;
      assert.ok(write.error instanceof KafkaAuthenticationError, String(write.error));
    });
  }
});
