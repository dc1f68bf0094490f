/**
 * Runs one Nexmark query on Sluice's SQL, timed as sluiceRun.ts (DataStream) and the Flink twins: a warm-up
 * job, then jobs of `small` and `events` events in the same process; the rate is the marginal one, for wall
 * and process CPU time. The job is the nexmark repository's own script, as nexmark runs it: ddl_gen.sql
 * (Sluice's `nexmark` connector, same generator and seed as the DataStream runs), ddl_views.sql and qN.sql
 * with its INSERT INTO a blackhole table, after the SET lines of nexmark's config.yaml that Flink SQL's side
 * sets too (sqlConformance.ts nexmarkSqlOptions: mini-batch; SLUICE_SQL_MINIBATCH=off leaves them out). Blackhole output is not counted (as Flink SQL's timed form);
 * sqlConformance.ts checks the results against Flink SQL's. Prints one JSON line.
 * At parallelism above 1 (`SET 'parallelism.default'`) the subtasks run on worker threads (issue 20); the CPU
 * time is the process's, all threads. SLUICE_EXCHANGE=clone crosses threads by structured clone instead of
 * the columnar codec (`SET 'sluice.parallel.exchange'`); SLUICE_EDGES=1 prints how each edge crossed.
 * Usage: node --expose-gc dist/bench/nexmark/sluiceSqlRun.js <q0..q22> <parallelism> <events> <eventsPerSecond> <warmup> <small> [warmupJobs=4]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamEnvironment } from "../../engine/src/index.js";
import { SqlSession } from "../../engine/src/sql/index.js";
import { measureMarginal } from "../marginal.js";
import { nexmarkSqlOptions, SQL_DIR, writeSideInput } from "./sqlConformance.js";
import { workerStats } from "../../engine/src/runtime/workers/workerPlacement.js";

const [query = "q0", p = "1", n = "1000000", eps = "10000", w = "500000", s = "200000", k = "4"] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc: the live heap is measured after a full GC");

function script(count: number): string {
  const vars: Record<string, string> = { TPS: eps, EVENTS_NUM: String(count), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const read = (f: string) => readFileSync(join(SQL_DIR, f), "utf8");
  const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  const exchange = process.env.SLUICE_EXCHANGE ? `SET 'sluice.parallel.exchange' = '${process.env.SLUICE_EXCHANGE}';\n` : "";
  const parallel = p === "1" ? "" : `SET 'parallelism.default' = '${p}';\n${exchange}`;
  // q13's side input, written as nexmark's side_input_gen.sh writes it under $FLINK_HOME (sqlConformance.ts).
  const text = read(`${query}.sql`).replace(/\$\{FLINK_HOME\}/g, () => flinkHome());
  return `${parallel}${nexmarkSqlOptions()}${gen}\n${views};\n${text}`;
}

let home: string | undefined;
function flinkHome(): string {
  if (home === undefined) {
    home = mkdtempSync(join(tmpdir(), "sluice-nexmark-flink-home-"));
    writeSideInput(home);
    const dir = home;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return home;
}

let heapAfterGcMB = Number.NaN;
async function job(count: number, sampleHeap: boolean): Promise<void> {
  // nexmark's `events.num` = 0 means an unbounded source: a job that never ends (and a run that never exits).
  if (count === 0) return;
  const session = new SqlSession({ createEnvironment: () => StreamEnvironment.create({ parallelism: Number(p), batchSize: Number(process.env.SLUICE_BATCH_SIZE ?? 1024) }) });
  const text = script(count);
  if (!sampleHeap) {
    await session.execute(text);
    return;
  }
  // After the warm-up job and a full GC (not half-way through it as sluiceRun.ts: a SQL job's source is
  // built by the session); for q0–q2, stateless, the two are close.
  await session.execute(text);
  gc?.();
  heapAfterGcMB = process.memoryUsage().heapUsed / 2 ** 20;
}

const [events, warmup, small] = [Number(n), Number(w), Number(s)];
const m = await measureMarginal(job, { warmup, small, events, warmupJobs: Number(k) });
const { maxRSS } = process.resourceUsage();
// SLUICE_EDGES=1: how each cross-thread edge of the last job crossed (columnar or clone), on stderr.
if (process.env.SLUICE_EDGES) console.error(JSON.stringify(workerStats().edges));
console.log(
  JSON.stringify({
    engine: "sluice-sql",
    query,
    parallelism: Number(p),
    events,
    small,
    warmup,
    ...m,
    outputs: -1,
    checksum: 0,
    heapAfterGcMB: +heapAfterGcMB.toFixed(1),
    peakRssMB: +(maxRSS / 1024).toFixed(1),
  }),
);
