// Rough throughput of the Kafka connector against the local broker (run `npm run build` and
// `scripts/kafka.sh start` first):  node scripts/kafka/bench.mjs [records] [version]
// Raw kafkajs consumer vs the Sluice source reader on the same topic, and the at-least-once vs the
// transactional sink writer. One run, same broker; prints records/s and ratios.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { KafkajsClient, kafkaSink, kafkaSource } from "../../dist/engine/src/connectors/kafka/index.js";
import { SystemClock } from "../../dist/engine/src/time/Clock.js";

const N = Number(process.argv[2] ?? 200_000);
const version = process.argv[3] ?? process.env.SLUICE_KAFKA_VERSION ?? "3.9.2";
const bootstrap = execFileSync("bash", [new URL("../kafka.sh", import.meta.url).pathname, "start", version]).toString().trim().split("\n").pop();
const topic = `bench-${randomUUID().slice(0, 8)}`;
const client = KafkajsClient.create({ brokers: [bootstrap] });
await client.createTopics([{ topic, partitions: 4 }]);
const value = (i) => JSON.stringify({ id: i, user: `user-${i % 1000}`, url: `https://example.com/page/${i % 97}`, ts: 1_700_000_000_000 + i });

const rate = (n, ms) => Math.round((n / ms) * 1000);
const ctx = { jobName: "bench", subtask: 0, parallelism: 1 };
const nan = new Array(5_000).fill(Number.NaN);

async function sinkRun(guarantee, target) {
  const writer = kafkaSink({ brokers: [bootstrap], topic: target, guarantee, transactionalIdPrefix: `bench-${randomUUID()}` }).createWriter(ctx);
  await writer.open?.();
  const t0 = performance.now();
  for (let from = 0; from < N; from += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, N - from) }, (_, k) => ({ id: from + k, user: `user-${(from + k) % 1000}`, url: `https://example.com/page/${(from + k) % 97}`, ts: 1_700_000_000_000 + from + k }));
    await writer.write(batch, nan);
    if (guarantee === "exactly-once" && (from / 5_000) % 10 === 9) {
      writer.prepareCommit(from); // a "checkpoint" every 50k records
      await writer.commit(from);
    }
  }
  await writer.flush?.();
  if (guarantee === "exactly-once") {
    writer.prepareCommit(-1);
    await writer.commit(-1);
  }
  const ms = performance.now() - t0;
  await writer.close?.();
  return rate(N, ms);
}

const alo = await sinkRun("at-least-once", topic); // also fills the topic for the read benchmarks
const txTopic = `${topic}-tx`;
await client.createTopics([{ topic: txTopic, partitions: 4 }]);
const eos = await sinkRun("exactly-once", txTopic);

// Raw kafkajs consumer, JSON.parse per record, same as the source does.
const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` });
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
let seen = 0;
let sum = 0;
const t0 = performance.now();
await new Promise((resolve) => {
  void consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) sum += JSON.parse(m.value.toString()).id;
      seen += batch.messages.length;
      if (seen >= N) resolve();
    },
  });
});
const raw = rate(N, performance.now() - t0);
await consumer.disconnect();

const reader = kafkaSource({ brokers: [bootstrap], topics: [topic], bounded: true }).createReader({ ...ctx, clock: new SystemClock(), badRecord: () => {} });
let read = 0;
const t1 = performance.now();
for (;;) {
  const poll = await reader.poll(1_000);
  read += poll.values.length;
  if (poll.end) break;
}
const source = rate(read, performance.now() - t1);
await reader.close();
await client.close();
if (read !== N || sum !== (N * (N - 1)) / 2) throw new Error(`read ${read} of ${N} records`);

console.log(`Kafka ${version}, ${N} records of ~110 bytes, 4 partitions, 1 subtask`);
console.log(`raw kafkajs consumer  ${raw} records/s`);
console.log(`sluice kafkaSource    ${source} records/s  (ratio ${(source / raw).toFixed(2)})`);
console.log(`sink at-least-once    ${alo} records/s`);
console.log(`sink exactly-once     ${eos} records/s  (ratio ${(eos / alo).toFixed(2)}, commit every 50k)`);
