/**
 * Issue 6's measure, against a local broker (scripts/kafka.sh, started if needed): records/s of a
 * raw kafkajs consumer vs the engine's Kafka source feeding a no-op sink, and of the engine writing
 * to Kafka through the exactly-once (transactional) sink vs the at-least-once one, with a raw
 * kafkajs producer as the baseline that shows how much of the sinks' cost is kafkajs. Everything runs
 * in one process on the same broker, the two sides of each pair alternating, round after round;
 * the table shows medians and each pair's ratio.
 *
 * Run: npm run bench:kafka -- [records=200000] [kafka version=3.9.2] [rounds=3]
 *  (or: npm run build && node dist/bench/kafka.bench.js 200000 4.4.0 3)
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { KafkajsClient } from "../engine/src/connectors/kafka/index.js";
import { Kafka as KafkaConnector, StreamEnvironment, type Sink } from "../engine/src/index.js";
import { startBroker, view, type View } from "./kafkaBenchSupport.js";
import { median, printTable } from "./table.js";

const N = Number(process.argv[2] ?? 200_000);
const VERSION = process.argv[3] ?? process.env.SLUICE_KAFKA_VERSION ?? "3.9.2";
const ROUNDS = Number(process.argv[4] ?? 3);
const PARTITIONS = 4;
/** Checkpoint interval of the exactly-once runs: one Kafka transaction per checkpoint. */
const CHECKPOINT_MS = 1_000;

const bootstrap = startBroker(VERSION);
const client = KafkajsClient.create({ brokers: [bootstrap] });
const topic = `bench-${randomUUID().slice(0, 8)}`;
await client.createTopics([{ topic, partitions: PARTITIONS }]);
const views = Array.from({ length: N }, (_, i) => view(i));

/** Records/s from the first record seen to the last (connecting and joining are not counted). */
class Stopwatch {
  private first = 0;
  private count = 0;
  private last = 0;
  add(n: number): void {
    if (this.count === 0) this.first = performance.now();
    this.count += n;
    this.last = performance.now();
  }
  rate(expected: number): number {
    if (this.count !== expected) throw new Error(`saw ${this.count} of ${expected} records`);
    return (this.count / (this.last - this.first)) * 1000;
  }
}

/** A raw kafkajs group consumer parsing every value, as the source does. */
async function rawConsumer(): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const watch = new Stopwatch();
  let seen = 0;
  let checksum = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) checksum += (JSON.parse(m.value!.toString("utf8")) as View).id;
          seen += batch.messages.length;
          watch.add(batch.messages.length);
          if (seen >= N) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  if (checksum !== (N * (N - 1)) / 2) throw new Error("raw consumer: wrong records");
  return watch.rate(N);
}

/** A raw kafkajs producer sending what the engine's sink sends per call: 1 024 keyed records, acks from all replicas, awaited. */
async function rawProducer(): Promise<number> {
  const target = `${topic}-raw-${randomUUID().slice(0, 4)}`;
  await client.createTopics([{ topic: target, partitions: PARTITIONS }]);
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < N; i += 1_024) await producer.send({ topic: target, acks: -1, messages: views.slice(i, i + 1_024).map((v) => ({ key: v.user, value: JSON.stringify(v) })) });
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  return N / seconds;
}

/** The engine: bounded Kafka.source (1 subtask) into a sink that only counts. */
async function engineSource(): Promise<number> {
  const watch = new Stopwatch();
  let checksum = 0;
  const noop: Sink<View> = {
    name: "no-op",
    createWriter: () => ({
      write(values) {
        for (const v of values) checksum += v.id;
        watch.add(values.length);
      },
    }),
  };
  const env = StreamEnvironment.create({ parallelism: 1 });
  env.fromSource(KafkaConnector.source<View>({ brokers: [bootstrap], topics: [topic], bounded: true })).sinkTo(noop);
  await env.execute("bench-kafka-source").wait();
  if (checksum !== (N * (N - 1)) / 2) throw new Error("engine source: wrong records");
  return watch.rate(N);
}

/** The engine writing `views` to a fresh topic; exactly-once commits one transaction per checkpoint. */
async function engineSink(guarantee: "at-least-once" | "exactly-once"): Promise<number> {
  const target = `${topic}-${guarantee}-${randomUUID().slice(0, 4)}`;
  await client.createTopics([{ topic: target, partitions: PARTITIONS }]);
  const env = StreamEnvironment.create({ parallelism: 1 });
  if (guarantee === "exactly-once") env.enableCheckpointing({ directory: `/tmp/sluice-bench-kafka-${randomUUID()}`, interval: CHECKPOINT_MS });
  env.fromArray(views).sinkTo(KafkaConnector.sink<View>({ brokers: [bootstrap], topic: target, guarantee, transactionalIdPrefix: `bench-${randomUUID()}`, key: (v) => v.user }));
  const t0 = performance.now();
  await env.execute(`bench-kafka-${guarantee}`).wait();
  const seconds = (performance.now() - t0) / 1000;
  // The admin client reads the last stable offset, which trails a commit until the broker has written
  // its markers; transaction markers take offsets too, so the exactly-once topic ends a little further.
  let written = 0;
  for (let attempt = 0; attempt < 50 && written < N; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
    written = (await client.offsets([target], { kind: "latest" })).reduce((n, p) => n + p.offset, 0);
  }
  if (written < N) throw new Error(`${guarantee}: ${written} of ${N} records in the topic`);
  return N / seconds;
}

// Fill the topic the read benchmarks read (not measured).
{
  const producer = await client.openProducer({ idempotent: true });
  for (let i = 0; i < N; i += 10_000) await producer.send(views.slice(i, i + 10_000).map((v) => ({ topic, key: v.user, value: JSON.stringify(v) })));
  await producer.close();
}

const results = { raw: [] as number[], source: [] as number[], producer: [] as number[], alo: [] as number[], eos: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which side goes first, so warm-up and background load do not favour one side.
  const reads = round % 2 === 0 ? [rawConsumer, engineSource] : [engineSource, rawConsumer];
  for (const run of reads) (run === rawConsumer ? results.raw : results.source).push(await run());
  const writes = round % 2 === 0 ? (["producer", "at-least-once", "exactly-once"] as const) : (["exactly-once", "at-least-once", "producer"] as const);
  for (const w of writes) {
    if (w === "producer") results.producer.push(await rawProducer());
    else (w === "at-least-once" ? results.alo : results.eos).push(await engineSink(w));
  }
}
await client.close();

const rounds = (xs: number[]) => xs.map((r) => Math.round(r)).join(" ");
const raw = median(results.raw);
const source = median(results.source);
const producer = median(results.producer);
const alo = median(results.alo);
const eos = median(results.eos);
printTable(
  `Kafka ${VERSION}: ${N.toLocaleString("en-US")} JSON records (~${JSON.stringify(view(N - 1)).length} B), ${PARTITIONS} partitions, parallelism 1, median of ${ROUNDS} rounds`,
  ["path", "records/s", "ratio", "ratio to", "all rounds"],
  [
    ["raw kafkajs consumer (eachBatch + JSON.parse)", raw, "", "", rounds(results.raw)],
    ["engine: Kafka.source → no-op sink", source, (source / raw).toFixed(2), "raw consumer", rounds(results.source)],
    ["raw kafkajs producer (1 024-record sends, acks=all)", producer, "", "", rounds(results.producer)],
    ["engine: fromArray → Kafka.sink at-least-once", alo, (alo / producer).toFixed(2), "raw producer", rounds(results.alo)],
    [`engine: fromArray → Kafka.sink exactly-once (checkpoint every ${CHECKPOINT_MS} ms)`, eos, (eos / alo).toFixed(2), "at-least-once", rounds(results.eos)],
  ],
);
process.exit(0);
