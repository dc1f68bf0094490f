/**
 * Before/after of a SQL planner or operator change on nexmark's own qN.sql in ONE process, as jobAB.ts
 * does for the DataStream queries: imports the SQL session from two builds (each a worktree or a copy
 * with its own `dist/`), warms both up, then alternates them, each block a job of `small` and one of
 * `events` events per side, and prints per side the median marginal CPU nanoseconds per event
 * ((cpu(events) - cpu(small)) / (events - small), so planning and the final flush drop out, as
 * sluiceSqlRun.ts times it) and the ratio. Both sides see the same load within a second.
 *
 * Usage: node dist/bench/nexmark/sqlJobAB.js BASE NEW <q0…q22 | path/to/query.sql> [blocks=8] [events=600000] [small=100000] [parallelism=1]
 * (BASE or NEW as `ROOT:P` runs that side at parallelism P, `ROOT:Pt` that plan's subtasks on the main thread:
 * `sqlJobAB.js R:1 R:2t q1` is what q1's p=2 plan costs per event on one thread against p=1's, same build)
 * (a path: that INSERT over the same tables and views instead of nexmark's qN.sql). Each side runs after
 * the SET lines of nexmark's config.yaml, as sluiceSqlRun.ts does (mini-batch; SLUICE_SQL_MINIBATCH=off leaves them out).
 * A parallelism above 1 runs each side's subtasks on that side's own worker threads (its own module
 * instances, so its own pool): the CPU is the process's, every thread's, while the other side's pool idles.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

const [baseSpec, nextSpec, query = "q3", blocks = "8", n = "600000", s = "100000", p = "1"] = process.argv.slice(2);
// A side may name its own parallelism, `ROOT:P`, and `ROOT:Pt` runs that plan's subtasks on the main thread
// (`'sluice.parallel.workers' = 'false'`): `sqlJobAB.js R:1 R:2t q1` is what the p=2 plan costs on one thread.
if (baseSpec === undefined || nextSpec === undefined) throw new Error("usage: sqlJobAB.js BASE[:P[t]] NEW[:P[t]] QUERY [blocks] [events] [small] [parallelism]");
type Side = { root: string; p: string; oneThread: boolean };
const side = (spec: string): Side => {
  const m = /^(.*):(\d+)(t?)$/.exec(spec);
  return m ? { root: m[1] as string, p: m[2] as string, oneThread: m[3] === "t" } : { root: spec, p, oneThread: false };
};
const [events, small] = [Number(n), Number(s)];

type Run = (count: number) => Promise<void>;

async function load({ root, p, oneThread }: Side): Promise<Run> {
  const sql = (await import(`${root}/dist/engine/src/sql/index.js`)) as { SqlSession: new () => { execute(text: string): Promise<unknown> } };
  const { nexmarkSqlOptions } = (await import(`${root}/dist/bench/nexmark/sqlConformance.js`)) as { nexmarkSqlOptions: () => string };
  const dir = join(root, "bench/nexmark/flink/src/main/resources/nexmark-sql");
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return async (count) => {
    const vars: Record<string, string> = { TPS: "10000", EVENTS_NUM: String(count), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
    const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
    const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
    const text = query.includes("/") ? readFileSync(query, "utf8") : read(`${query}.sql`);
    const parallel = `${p === "1" ? "" : `SET 'parallelism.default' = '${p}';\n`}${oneThread ? "SET 'sluice.parallel.workers' = 'false';\n" : ""}`;
    await new sql.SqlSession().execute(`${parallel}${nexmarkSqlOptions()}${gen}\n${views};\n${text}`);
  };
}

const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const sides = [await load(side(baseSpec)), await load(side(nextSpec))];
for (const side of sides) for (let w = 0; w < 2; w++) await side(events);
const ns: number[][] = [[], []];
for (let b = 0; b < Number(blocks); b++) {
  // Alternate which side goes first, so neither always runs right after a GC of the other's garbage.
  for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) {
    const side = sides[i] as Run;
    const c0 = cpu();
    await side(small);
    const c1 = cpu();
    await side(events);
    const c2 = cpu();
    (ns[i] as number[]).push(((c2 - c1 - (c1 - c0)) * 1000) / (events - small));
  }
}
const median = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted.length % 2 === 1 ? (sorted[sorted.length >> 1] as number) : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
};
const [a, b] = [median(ns[0] as number[]), median(ns[1] as number[])];
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(
  `${query}${p === "1" ? "" : ` p=${p}`} (${baseSpec} / ${nextSpec}): base ${a.toFixed(0)} ns/event (${(1e3 / a).toFixed(2)}M ev/CPU-s, ${spread(ns[0] as number[])}), new ${b.toFixed(0)} ns/event (${(1e3 / b).toFixed(2)}M ev/CPU-s, ${spread(ns[1] as number[])}), speed new/base ${(a / b).toFixed(3)}, load ${(os.loadavg()[0] as number).toFixed(1)}`,
);
