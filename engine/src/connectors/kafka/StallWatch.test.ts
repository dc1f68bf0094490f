/**
 * The Kafka source's stall safety net (issue 13: a reader that stopped reading after a broker
 * bounce sat silent for minutes). A fake client whose consumer hands over three records and then
 * nothing more, while the broker reports more records at the partition's end: the reader must fail
 * with a typed, retriable error naming the partition, so the restart strategy fails over; an idle
 * partition, an unreachable broker or a broker just back must not trip it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../testing/ManualClock.js";
import { KafkaSourceStalledError } from "./errors.js";
import type { KafkaClient, KafkaRecord, PartitionConsumer } from "./KafkaClient.js";
import { kafkaSource, type KafkaSourceOptions } from "./KafkaSource.js";

const TIMEOUT = 60_000;

/** What the fake broker answers: the partition's end offset; `down` rejects every call, `hung` never answers end-offset queries. */
interface Broker {
  end: number;
  down: boolean;
  hung?: boolean;
}

/** One partition of topic "in"; the consumer delivers offsets 0..2, then stops fetching for good. */
function stuckClient(broker: Broker): KafkaClient {
  const records: KafkaRecord[] = [0, 1, 2].map((offset) => ({ topic: "in", partition: 0, offset, timestamp: offset, key: null, value: Buffer.from(JSON.stringify(offset)), headers: {} }));
  const consumer: PartitionConsumer = {
    get buffered() {
      return records.length;
    },
    take: (max) => records.splice(0, max),
    waitForRecords: async () => {},
    fetchPosition: () => 3,
    failure: undefined,
    close: async () => {},
  };
  const answer = <T>(value: T) => (broker.down ? Promise.reject(new Error("ECONNREFUSED")) : Promise.resolve(value));
  const unused = () => Promise.reject(new Error("not used"));
  return {
    library: "fake",
    ping: () => answer(undefined),
    listTopics: () => answer(["in"]),
    partitions: () => answer([{ topic: "in", partition: 0 }]),
    offsets: (_topics, spec) => (broker.hung === true && spec.kind === "latest" ? new Promise(() => {}) : answer([{ topic: "in", partition: 0, offset: spec.kind === "earliest" ? 0 : broker.end }])),
    committedOffsets: unused,
    createTopics: unused,
    openConsumer: async () => consumer,
    openProducer: unused,
    close: async () => {},
  };
}

/** Polls every second of manual time for `ms`; resolves to the error a poll threw, if any. */
async function pollFor(options: Partial<KafkaSourceOptions<number>>, broker: Broker, ms: number, clock = new ManualClock(0)): Promise<unknown> {
  const source = kafkaSource<number>({ client: stuckClient(broker), topics: ["in"], stallTimeoutMs: TIMEOUT, ...options });
  const reader = source.createReader({ subtask: 0, parallelism: 1, clock, jobName: "stall-test", badRecord: () => {} });
  try {
    for (let t = 0; t <= ms; t += 1_000) {
      await reader.poll(100);
      await new Promise((r) => setImmediate(r)); // lets the watch's end-offset query answer
      clock.advance(1_000);
    }
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await reader.close?.();
  }
}

test("a reader that delivers nothing while records wait fails with KafkaSourceStalledError naming the partition", async () => {
  const error = await pollFor({}, { end: 10, down: false }, 3 * TIMEOUT);
  assert.ok(error instanceof KafkaSourceStalledError, `expected a stall error, got ${String(error)}`);
  assert.equal(error.retriable, true);
  assert.deepEqual(error.kafka, { topic: "in", partition: 0, offset: 3 });
  assert.match(error.message, /7 records wait \(end offset 10\).*topic in, partition 0, offset 3/);
});

test("an idle partition (nothing past the position) never counts as stalled", async () => {
  assert.equal(await pollFor({}, { end: 3, down: false }, 10 * TIMEOUT), undefined);
});

test("stallTimeoutMs: false turns the safety net off", async () => {
  assert.equal(await pollFor({ stallTimeoutMs: false }, { end: 10, down: false }, 10 * TIMEOUT), undefined);
});

test("while the broker does not answer it is not a stall; once it is back the reader gets a full timeout", async () => {
  const broker = { end: 10, down: false };
  const clock = new ManualClock(0);
  const run = pollFor({}, broker, 10 * TIMEOUT, clock);
  // Connected (first poll), then the broker goes away for 3 timeouts and comes back.
  await new Promise((r) => setImmediate(r));
  broker.down = true;
  while (clock.now() < 4 * TIMEOUT) await new Promise((r) => setImmediate(r));
  broker.down = false;
  const back = clock.now();
  const error = await run;
  assert.ok(error instanceof KafkaSourceStalledError, `expected a stall error, got ${String(error)}`);
  assert.ok(clock.now() - back >= TIMEOUT, `failed ${clock.now() - back} ms after the broker was back`);
});

test("an end-offset query that never answers counts as an unreachable broker, and later queries still run", async () => {
  const broker: Broker = { end: 10, down: false, hung: true };
  const clock = new ManualClock(0);
  const run = pollFor({}, broker, 10 * TIMEOUT, clock);
  while (clock.now() < 4 * TIMEOUT) await new Promise((r) => setImmediate(r));
  broker.hung = false;
  const back = clock.now();
  const error = await run;
  assert.ok(error instanceof KafkaSourceStalledError, `expected a stall error, got ${String(error)}`);
  assert.ok(clock.now() - back >= TIMEOUT, `failed ${clock.now() - back} ms after the broker answered again`);
});
