/**
 * Issue 20's restore at another parallelism, per nexmark SQL query: each query INSERTs into a print table
 * (its blackhole swapped for print, whose sink has no state and so does not pin the parallelism as the collect
 * and file sinks' do), runs once uninterrupted at p=1, then per transition runs at `from`, stops with a
 * savepoint once the source read a random number of rows, resumes at `to`, and compares the two runs' printed
 * changelogs, folded, with the uninterrupted one's.
 *
 *   node dist/bench/nexmark/sqlRescale.js [--events N] [--seed S] [--duckdb] [q0 q7 …]
 *
 * (--duckdb: into a DuckDB table instead of print; append-only queries only, an updating one needs a PRIMARY KEY).
 *
 * prints a table: query × transition → same / differs / error (and why).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqlSession } from "../../engine/src/sql/index.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import { seededRandom } from "../../engine/src/testing/chaosSource.js";
import { directoriesWith, visibleLines } from "../../engine/src/sql/connectors/filesystem/visibleLines.js";
import { query } from "../../engine/src/connectors/duckdb/sharedDatabase.js";
import { fileSinkPath, fold, nexmarkPlaceholders, nexmarkSqlOptions, SQL_DIR, writeSideInput } from "./sqlConformance.js";

/**
 * The queries run: those Sluice runs whose rows do not depend on the moment (q12's processing-time windows)
 * nor on how two sources interleave at p>1 (q18, q19: ROW_NUMBER over ties; sqlParallel.test.ts).
 */
export const RESCALE_QUERIES = ["q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q9", "q10", "q11", "q13", "q14", "q15", "q16", "q17", "q20", "q21", "q22"];
/** The sink the blackhole is swapped for: print (no state), or a DuckDB table (an append-only query's; no state either). */
export type Into = "print" | "duckdb";
let tables = 0;

export const TRANSITIONS: [number, number][] = [
  [1, 2],
  [2, 1],
  [2, 3],
];

/**
 * The query's script, its blackhole swapped for print, with nexmark's runner placeholders pointing at `dir`
 * (q13's side input is written there, q10's files go there): the DDL, SET options and views as
 * sqlConformance's runs. `files`: where a filesystem sink (q10) writes, read instead of printed lines.
 */
function script(query: string, events: number, dir: string, into: Into): { setup: string; insert: string; files: string | undefined; duckdb: string | undefined } {
  const vars: Record<string, string> = { TPS: "10000", EVENTS_NUM: String(events), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const read = (f: string) => readFileSync(join(SQL_DIR, f), "utf8");
  const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  writeSideInput(dir);
  // A DuckDB table per run, in the process's shared database.
  const duckdb = into === "duckdb" ? `rescale_${query}_${++tables}` : undefined;
  const connector = duckdb ? `'connector' = 'duckdb', 'table-name' = '${duckdb}'` : "'connector' = 'print'";
  const text = nexmarkPlaceholders(read(`${query}.sql`), dir).replace(/'connector'\s*=\s*'blackhole'/, connector);
  const at = text.search(/^INSERT\s+INTO/im);
  return { setup: `${nexmarkSqlOptions()}${gen}\n${views};\n${text.slice(0, at)}`, insert: text.slice(at), files: fileSinkPath(query, dir), duckdb };
}

/**
 * The run's table: the print sink's lines (caught from console.log: it runs on the main thread) folded, the
 * files' visible lines and committed partitions, or the DuckDB table's rows.
 */
async function table(out: { files: string | undefined; duckdb: string | undefined }, run: () => Promise<void>): Promise<string[]> {
  const { files, duckdb } = out;
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void lines.push(String(line));
  try {
    await run();
  } finally {
    console.log = log;
  }
  if (duckdb !== undefined) return (await query(`SELECT * FROM "${duckdb}"`)).values.map((r) => JSON.stringify(Object.values(r), (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))).sort();
  if (files !== undefined) return [...visibleLines(files), ...directoriesWith(files, "_SUCCESS").map((p) => `${p}|<_SUCCESS>`)].sort();
  // `+I[a, b]` / `-U[…]`: folded to a multiset of rows.
  return fold(lines.map((l) => ({ kind: l.slice(0, 2), row: [l.slice(2)] })));
}

const read = (job: JobHandle): number => job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);

/** Runs `body` in a fresh directory, removed after. */
async function inDirectory<T>(query: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `sluice-rescale-${query}-`));
  try {
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The uninterrupted run's table (at p=1). */
export function uninterrupted(query: string, events: number, into: Into = "print"): Promise<string[]> {
  return inDirectory(query, (dir) => {
    const { setup, insert, ...out } = script(query, events, dir, into);
    return table(out, async () => void (await new SqlSession().execute(`${setup}\nSET 'parallelism.default' = '1';\n${insert}`)));
  });
}

export interface RescaleRun {
  outcome: "same" | "differs" | "error";
  detail: string;
}

/** Runs `query` at `from`, stops it with a savepoint after a random share (10–60%) of the source's rows, resumes at `to`. */
export function rescaleRun(query: string, events: number, from: number, to: number, seed: number, expected: string[], into: Into = "print"): Promise<RescaleRun> {
  return inDirectory(query, async (dir): Promise<RescaleRun> => {
    const { setup, insert, ...out } = script(query, events, dir, into);
    let cutAt = 0;
    try {
      const got = await table(out, async () => {
        const session = new SqlSession({ checkpointDirectory: join(dir, "checkpoints") });
        await session.execute(`${setup}\nSET 'parallelism.default' = '${from}';`);
        const first = session.execute(insert);
        // Awaited below; a job failing before the cut rejects it before then.
        first.catch(() => undefined);
        while (session.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
        const job = session.jobs[0] as JobHandle;
        // Nexmark's source counts every event (persons, auctions, bids): 10–60% of them.
        const cut = Math.floor(events * (0.1 + 0.5 * seededRandom(seed)()));
        while (read(job) < cut && job.result === undefined) await new Promise((r) => setTimeout(r, 1));
        if (job.result !== undefined) throw new Error(`the job ended before the cut at ${cut} events`);
        cutAt = read(job);
        await job.stop({ savepoint: "cut" });
        await first;
        await session.execute(`SET 'parallelism.default' = '${to}';`);
        await session.execute(insert, { restoreFrom: "cut" });
      });
      const first = got.findIndex((r, i) => r !== expected[i]);
      if (got.length === expected.length && first < 0) return { outcome: "same", detail: `cut at ${cutAt}` };
      return { outcome: "differs", detail: `cut at ${cutAt}: ${got.length} rows of ${expected.length}; first difference ${got[first] ?? "(none)"} vs ${expected[first] ?? "(none)"}` };
    } catch (e) {
      return { outcome: "error", detail: `cut at ${cutAt}: ${(e as Error).message.replace(/\s+/g, " ").slice(0, 400)}` };
    }
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const v = Number(args[i + 1]);
    args.splice(i, 2);
    return v;
  };
  const events = option("--events", 50_000);
  const seed = option("--seed", 1);
  const duckdb = args.indexOf("--duckdb");
  if (duckdb >= 0) args.splice(duckdb, 1);
  const into: Into = duckdb >= 0 ? "duckdb" : "print";
  const queries = args.length > 0 ? args : RESCALE_QUERIES;
  console.log(`| query | ${TRANSITIONS.map(([a, b]) => `p=${a} → p=${b}`).join(" | ")} |`);
  console.log(`|---|${TRANSITIONS.map(() => "---|").join("")}`);
  const notes: string[] = [];
  for (const query of queries) {
    let expected: string[];
    try {
      expected = await uninterrupted(query, events, into);
    } catch (e) {
      console.log(`| ${query} | ${TRANSITIONS.map(() => "not run").join(" | ")} |`);
      notes.push(`${query}: the uninterrupted run fails: ${(e as Error).message.replace(/\s+/g, " ").slice(0, 200)}`);
      continue;
    }
    const cells: string[] = [];
    for (const [from, to] of TRANSITIONS) {
      const run = await rescaleRun(query, events, from, to, seed, expected, into);
      cells.push(run.outcome);
      if (run.outcome !== "same") notes.push(`${query} p=${from} → p=${to}: ${run.detail}`);
    }
    console.log(`| ${query} (${expected.length} rows) | ${cells.join(" | ")} |`);
  }
  for (const n of notes) console.log(`- ${n}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
