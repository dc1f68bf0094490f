/**
 * When kafkajs gives up for good on an unreachable broker (its retries spent, or "Failed to find group
 * coordinator" while a restarted broker loads), the reader starts a fresh kafkajs consumer from its
 * own positions instead of failing the job; other final errors still fail it. kafkajs is faked here
 * (the broker-restart behaviour is proven against a real broker in test/integration).
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import type { Kafka } from "kafkajs";
import type { ConnectorStatus } from "./KafkaClient.js";
import { KafkajsConsumer } from "./KafkajsConsumer.js";

class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: "join", FETCH: "fetch", END_BATCH_PROCESS: "end", CRASH: "crash" };
  seeks: { topic: string; partition: number; offset: string }[] = [];
  disconnected = false;
  connect = async () => {};
  subscribe = async () => {};
  run = async () => {
    this.emit("join", {});
  };
  disconnect = async () => {
    this.disconnected = true;
  };
  seek = (s: { topic: string; partition: number; offset: string }) => void this.seeks.push(s);
  crash(name: string, restart: boolean): void {
    const error = new Error(`${name} happened`);
    error.name = name;
    this.emit("crash", { payload: { error, restart } });
  }
}

function fakeKafka(): { kafka: Kafka; consumers: FakeConsumer[] } {
  const consumers: FakeConsumer[] = [];
  const kafka = { consumer: () => consumers[consumers.push(new FakeConsumer()) - 1] } as unknown as Kafka;
  return { kafka, consumers };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(condition());
}

test("a broker that stays away gets a fresh consumer from our positions, not a failed job", async () => {
  const { kafka, consumers } = fakeKafka();
  const states: Omit<ConnectorStatus, "since">[] = [];
  const reader = await KafkajsConsumer.open(kafka, {
    assignment: [{ topic: "t", partition: 0, offset: 42 }],
    isolation: "read_uncommitted",
    maxBufferedRecords: 100,
    onStatus: (s) => void states.push(s),
  });
  assert.equal(consumers.length, 1);
  assert.deepEqual(consumers[0]!.seeks, [{ topic: "t", partition: 0, offset: "42" }]);

  consumers[0]!.crash("KafkaJSGroupCoordinatorNotFound", false);
  assert.equal(states.at(-1)?.state, "retrying");
  await until(() => consumers.length === 2);
  assert.deepEqual(consumers[1]!.seeks, [{ topic: "t", partition: 0, offset: "42" }], "the new consumer resumes at our position");
  assert.equal(reader.failure, undefined);

  consumers[0]!.crash("KafkaJSConnectionError", false); // the replaced consumer's late event: ignored
  assert.equal(consumers.length, 2);

  consumers[1]!.crash("KafkaJSProtocolError", false); // not about reachability: final
  assert.match(String((reader.failure as Error | undefined)?.message), /Kafka consumer stopped/);
  assert.equal(states.at(-1)?.state, "failed");
  await reader.close();
  assert.ok(consumers[1]!.disconnected);
});

test("closing the reader cancels a pending restart", async (t) => {
  const { kafka, consumers } = fakeKafka();
  const reader = await KafkajsConsumer.open(kafka, { assignment: [{ topic: "t", partition: 0, offset: 0 }], isolation: "read_uncommitted", maxBufferedRecords: 100, onStatus: () => {} });
  // Timers under the test's control: the restart's backoff elapses at once instead of being slept through.
  t.mock.timers.enable({ apis: ["setTimeout"] });
  consumers[0]!.crash("KafkaJSNumberOfRetriesExceeded", false);
  await reader.close();
  t.mock.timers.runAll(); // a restart still scheduled would start its consumer here
  await new Promise((r) => setImmediate(r));
  assert.equal(consumers.length, 1);
});
