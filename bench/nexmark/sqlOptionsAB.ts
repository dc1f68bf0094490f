/**
 * Before/after of SET options on one Nexmark SQL query in ONE process (as jobAB.ts does for engine
 * builds): the nexmark script as sluiceSqlRun.ts runs it (INSERT INTO its blackhole table), once with
 * nexmark's config.yaml options (sqlConformance.ts nexmarkSqlOptions: mini-batch) and once without,
 * jobs alternated, the median CPU ms per job (process.cpuUsage: the job's planning is in it) per side.
 * Both sides see the same machine load within seconds, which alternating processes on a shared machine do not.
 * Usage: node dist/bench/nexmark/sqlOptionsAB.js <q0..q22> [blocks=6] [events=500000]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { StreamEnvironment } from "../../engine/src/index.js";
import { SqlSession } from "../../engine/src/sql/index.js";
import { nexmarkSqlOptions, SQL_DIR } from "./sqlConformance.js";

const [query = "q4", blocks = "6", n = "500000"] = process.argv.slice(2);

function script(count: number, options: string): string {
  const vars: Record<string, string> = { TPS: "10000", EVENTS_NUM: String(count), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const read = (f: string) => readFileSync(join(SQL_DIR, f), "utf8");
  const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  return `${options}${gen}\n${views};\n${read(`${query}.sql`)}`;
}

const sides = { with: nexmarkSqlOptions(), without: "" };
async function job(options: string, count: number): Promise<number> {
  const session = new SqlSession({ createEnvironment: () => StreamEnvironment.create({ parallelism: 1 }) });
  const before = process.cpuUsage();
  await session.execute(script(count, options));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const events = Number(n);
await job(sides.with, events / 2);
await job(sides.without, events / 2);
const times: Record<keyof typeof sides, number[]> = { with: [], without: [] };
for (let b = 0; b < Number(blocks); b++) {
  // Alternate which side goes first, so neither always runs right after the other's garbage.
  const order: (keyof typeof sides)[] = b % 2 === 0 ? ["with", "without"] : ["without", "with"];
  for (const side of order) times[side].push(await job(sides[side], events));
  console.log(`block ${b + 1}: with ${times.with.at(-1)?.toFixed(0)} ms, without ${times.without.at(-1)?.toFixed(0)} ms CPU, load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`);
}
const [w, wo] = [median(times.with), median(times.without)];
console.log(
  `${query}, ${events} events, ${blocks} blocks: with options ${w.toFixed(0)} ms CPU (${times.with.map((t) => t.toFixed(0)).join(", ")}), without ${wo.toFixed(0)} ms (${times.without.map((t) => t.toFixed(0)).join(", ")}); without/with ${(wo / w).toFixed(2)}`,
);
