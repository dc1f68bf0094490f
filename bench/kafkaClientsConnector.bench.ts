/**
 * The Kafka connector on its two clients, on one broker in one run: kafkajs (`KafkajsClient`) vs
 * @platformatic/kafka (`PlatformaticClient`), through the engine, records/s of
 *   - kafkaSource (bounded, read_committed, 1 subtask) → a no-op sink,
 *   - fromArray → kafkaSink at-least-once,
 *   - fromArray → kafkaSink exactly-once (one transaction per checkpoint, every CHECKPOINT_MS),
 * the two clients alternating round by round (which goes first flips each round), medians and the
 * platformatic / kafkajs ratio. Unlike bench/kafka-clients/ (the libraries' own APIs), this measures
 * what a Sluice job gets from `client: PlatformaticClient.create(...)`.
 *
 * The machine may be shared: the load average (1 min) is sampled around every measurement and
 * printed beside the numbers; compare ratios, not absolute rates, across runs.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/kafkaClientsConnector.bench.js [records=100000] [kafka version=3.9.2] [rounds=3]
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import type { KafkaClient } from "../engine/src/connectors/kafka/KafkaClient.js";
import { KafkajsClient } from "../engine/src/connectors/kafka/KafkajsClient.js";
import { kafkaSink } from "../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../engine/src/connectors/kafka/KafkaSource.js";
import { PlatformaticClient } from "../engine/src/connectors/kafka/platformatic/PlatformaticClient.js";
import { StreamEnvironment } from "../engine/src/api/StreamEnvironment.js";
import type { Sink } from "../engine/src/sinks/Sink.js";
import { startBroker, view, type View } from "./kafkaBenchSupport.js";
import { median, printTable } from "./table.js";

const N = Number(process.argv[2] ?? 100_000);
const VERSION = process.argv[3] ?? process.env.SLUICE_KAFKA_VERSION ?? "3.9.2";
const ROUNDS = Number(process.argv[4] ?? 3);
const PARTITIONS = 4;
const CHECKPOINT_MS = 1_000;

const CHECKSUM = (N * (N - 1)) / 2;

const bootstrap = startBroker(VERSION);

type ClientName = "kafkajs" | "platformatic";
const clients: Record<ClientName, () => KafkaClient> = {
  kafkajs: () => KafkajsClient.create({ brokers: [bootstrap], clientId: "bench" }),
  platformatic: () => PlatformaticClient.create({ brokers: [bootstrap], clientId: "bench" }),
};

const admin = KafkajsClient.create({ brokers: [bootstrap] });
const views = Array.from({ length: N }, (_, i) => view(i));
const input = `bench-clients-${randomUUID().slice(0, 8)}`;
await admin.createTopics([{ topic: input, partitions: PARTITIONS }]);
{
  // The topic the source reads (not measured).
  const producer = await admin.openProducer({ idempotent: true });
  for (let i = 0; i < N; i += 5_000) await producer.send(views.slice(i, i + 5_000).map((v) => ({ topic: input, key: v.user, value: JSON.stringify(v) })));
  await producer.close();
}

/** Runs `measure` with a fresh client of `name`; returns records/s and the 1-min load average before and after. */
async function timed(name: ClientName, measure: (client: KafkaClient) => Promise<number>): Promise<{ rate: number; load: number[] }> {
  const client = clients[name]();
  const before = loadavg()[0]!;
  try {
    const rate = await measure(client);
    return { rate, load: [before, loadavg()[0]!] };
  } finally {
    await client.close();
  }
}

/** kafkaSource → no-op sink: records/s from the first record written to the sink to the last. */
async function source(client: KafkaClient): Promise<number> {
  let first = 0;
  let last = 0;
  let seen = 0;
  let checksum = 0;
  const noop: Sink<View> = {
    name: "no-op",
    createWriter: () => ({
      write(values) {
        if (seen === 0) first = performance.now();
        for (const v of values) checksum += v.id;
        seen += values.length;
        last = performance.now();
      },
    }),
  };
  const env = StreamEnvironment.create({ parallelism: 1 });
  env.fromSource(kafkaSource<View>({ client, topics: [input], bounded: true })).sinkTo(noop);
  await env.execute(`bench-clients-source-${client.library}`).wait();
  if (seen !== N || checksum !== CHECKSUM) throw new Error(`${client.library} source: saw ${seen} of ${N} records`);
  return (N / (last - first)) * 1000;
}

/** fromArray → kafkaSink into a fresh topic: records/s over the whole job (opening the producer included). */
async function sink(client: KafkaClient, guarantee: "at-least-once" | "exactly-once"): Promise<number> {
  const target = `${input}-${guarantee}-${randomUUID().slice(0, 4)}`;
  await admin.createTopics([{ topic: target, partitions: PARTITIONS }]);
  const env = StreamEnvironment.create({ parallelism: 1 });
  if (guarantee === "exactly-once") env.enableCheckpointing({ directory: `/tmp/sluice-bench-clients-${randomUUID()}`, interval: CHECKPOINT_MS });
  env.fromArray(views).sinkTo(kafkaSink<View>({ client, topic: target, guarantee, transactionalIdPrefix: `bench-${randomUUID()}`, key: (v) => v.user }));
  const t0 = performance.now();
  await env.execute(`bench-clients-${guarantee}-${client.library}`).wait();
  const seconds = (performance.now() - t0) / 1000;
  // The end offsets trail a commit until the broker wrote its markers (which take offsets too).
  let written = 0;
  for (let attempt = 0; attempt < 50 && written < N; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
    written = (await admin.offsets([target], { kind: "latest" })).reduce((n, p) => n + p.offset, 0);
  }
  if (written < N) throw new Error(`${client.library} ${guarantee}: ${written} of ${N} records in the topic`);
  return N / seconds;
}

const paths = {
  "kafkaSource → no-op (read_committed)": source,
  "fromArray → kafkaSink at-least-once": (c: KafkaClient) => sink(c, "at-least-once"),
  [`fromArray → kafkaSink exactly-once (checkpoint ${CHECKPOINT_MS} ms)`]: (c: KafkaClient) => sink(c, "exactly-once"),
} as Record<string, (client: KafkaClient) => Promise<number>>;

const results = new Map<string, Record<ClientName, { rate: number; load: number[] }[]>>();
for (const path of Object.keys(paths)) results.set(path, { kafkajs: [], platformatic: [] });
console.error(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (${N.toLocaleString("en-US")} records, ${ROUNDS} rounds)`,
);
for (let round = 0; round < ROUNDS; round++) {
  const order: ClientName[] = round % 2 === 0 ? ["kafkajs", "platformatic"] : ["platformatic", "kafkajs"];
  for (const [path, measure] of Object.entries(paths)) {
    for (const name of order) {
      const r = await timed(name, measure);
      results.get(path)![name].push(r);
      console.error(`round ${round + 1}: ${path} / ${name}: ${Math.round(r.rate)} rec/s (load ${r.load.map((l) => l.toFixed(2)).join("→")})`);
    }
  }
}
await admin.close();

const rates = (xs: { rate: number }[]) => xs.map((x) => x.rate);
const loads = (xs: { load: number[] }[]) => {
  const all = xs.flatMap((x) => x.load);
  return `${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)}`;
};
const rows = [...results].map(([path, r]) => {
  const k = median(rates(r.kafkajs));
  const p = median(rates(r.platformatic));
  return [path, k, p, (p / k).toFixed(2), rates(r.kafkajs).map(Math.round).join(" "), rates(r.platformatic).map(Math.round).join(" "), loads([...r.kafkajs, ...r.platformatic])];
});
printTable(
  `Kafka ${VERSION}, Sluice connector: kafkajs vs @platformatic/kafka, ${N.toLocaleString("en-US")} JSON records, ${PARTITIONS} partitions, parallelism 1, Node ${process.version}, median of ${ROUNDS} alternating rounds`,
  ["path", "kafkajs rec/s", "platformatic rec/s", "platformatic / kafkajs", "kafkajs rounds", "platformatic rounds", "load 1m"],
  rows,
);
process.exit(0);
