/**
 * Before/after of a change to the `kafka` SQL scan in ONE process (as nexmark/sqlJobAB.ts): imports
 * SqlSession from two builds' dist directories, fills one 2-partition topic of a broker that runs
 * (scripts/kafka.sh start), then alternates the builds, each block one bounded read of the whole topic
 * through a TUMBLE count per side, and prints per side the median CPU ms and wall ms per read, and
 * the ratio. Both partitions run in step in event time, so both builds count the same rows.
 *
 * Usage: node dist/bench/kafkaSqlWatermarkAB.js BASE_DIST NEW_DIST BOOTSTRAP [blocks=5] [records=200000]
 */
import os from "node:os";
import { resolve } from "node:path";

const [baseDist, newDist, bootstrap, b = "5", n = "200000"] = process.argv.slice(2);
if (baseDist === undefined || newDist === undefined || bootstrap === undefined) throw new Error("usage: kafkaSqlWatermarkAB.js BASE_DIST NEW_DIST BOOTSTRAP [blocks] [records]");
const [blocks, records] = [Number(b), Number(n)];

interface Session {
  execute(text: string): Promise<{ kind: string; rows?: unknown[][] }[]>;
}
type Read = () => Promise<number>;

const topic = `sql-wm-ab-${Date.now()}`;
const BASE = Date.parse("2024-01-01T00:00:00Z");

async function fill(): Promise<void> {
  const { KafkajsClient } = (await import(`${resolve(newDist as string)}/engine/src/connectors/kafka/KafkajsClient.js`)) as {
    KafkajsClient: {
      create(o: { brokers: string[] }): {
        createTopics(t: unknown[]): Promise<void>;
        openProducer(o: unknown): Promise<{ send(r: unknown[]): Promise<void>; close(): Promise<void> }>;
        close(): Promise<void>;
      };
    };
  };
  const client = KafkajsClient.create({ brokers: [bootstrap as string] });
  await client.createTopics([{ topic, partitions: 2, config: { "retention.ms": "-1" } }]);
  const producer = await client.openProducer({ idempotent: true });
  for (let from = 0; from < records; from += 20_000) {
    const batch = [];
    for (let i = from; i < Math.min(records, from + 20_000); i++) {
      const t = Math.floor(i / 2) * 10;
      batch.push({ topic, partition: i % 2, timestamp: BASE + t, value: JSON.stringify({ p: i % 2, t, ts: new Date(BASE + t).toISOString().replace("T", " ").replace("Z", "") }) });
    }
    await producer.send(batch);
  }
  await producer.close();
  await client.close();
}

async function load(dist: string): Promise<Read> {
  const { SqlSession } = (await import(`${resolve(dist)}/engine/src/sql/index.js`)) as { SqlSession: new () => Session };
  return async () => {
    const session = new SqlSession();
    await session.execute(
      `CREATE TABLE ticks (p INT, t BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${bootstrap}', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json');`,
    );
    const [result] = await session.execute("SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE ticks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end;");
    return (result?.rows ?? []).reduce((sum, r) => sum + Number(r[1]), 0);
  };
}

await fill();
const sides: [string, Read][] = [
  ["base", await load(baseDist)],
  ["new", await load(newDist)],
];
const cpu: Record<string, number[]> = { base: [], new: [] };
const wall: Record<string, number[]> = { base: [], new: [] };
const counted: Record<string, number> = {};
for (const [, read] of sides) await read(); // warm-up
for (let i = 0; i < blocks; i++) {
  for (const [name, read] of i % 2 === 0 ? sides : [...sides].reverse()) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    counted[name] = await read();
    const c = process.cpuUsage(c0);
    wall[name]?.push(performance.now() - w0);
    cpu[name]?.push((c.user + c.system) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)] as number;
for (const name of ["base", "new"]) {
  console.log(
    `${name}: median ${median(cpu[name] ?? []).toFixed(0)} cpu-ms, ${median(wall[name] ?? []).toFixed(0)} wall-ms per read of ${records} records (cpu ${cpu[name]?.map((x) => x.toFixed(0)).join("/")}; rows counted ${counted[name]})`,
  );
}
console.log(
  `cpu ratio new/base ${(median(cpu.new ?? []) / median(cpu.base ?? [])).toFixed(3)}; load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
process.exit(0);
