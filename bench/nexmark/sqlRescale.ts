/**
 * Issue 20's restore at another parallelism, per nexmark SQL query: each query INSERTs into a print table
 * (its blackhole swapped for print, whose sink has no state and so does not pin the parallelism as the collect
 * and file sinks' do), runs once uninterrupted at p=1, then per transition runs at `from`, stops with a
 * savepoint once the source read a random number of rows, resumes at `to`, and compares the two runs' printed
 * changelogs, folded, with the uninterrupted one's.
 *
 *   node dist/bench/nexmark/sqlRescale.js [--events N] [--seed S] [q0 q7 …]
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
import { fold, nexmarkSqlOptions, SQL_DIR } from "./sqlConformance.js";

/**
 * The queries run: those Sluice runs whose rows do not depend on the moment (q12, q13's processing time), nor on
 * how two sources interleave at p>1 (q18, q19: ROW_NUMBER over ties; sqlParallel.test.ts), nor write files (q10).
 */
export const RESCALE_QUERIES = ["q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q9", "q11", "q14", "q15", "q16", "q17", "q20", "q21", "q22"];
export const TRANSITIONS: [number, number][] = [
  [1, 2],
  [2, 1],
  [2, 3],
];

/** The query's script with its INSERT into a print table: the DDL, SET options and views as sqlConformance's runs. */
function script(query: string, events: number): { setup: string; insert: string } {
  const vars: Record<string, string> = { TPS: "10000", EVENTS_NUM: String(events), PERSON_PROPORTION: "1", AUCTION_PROPORTION: "3", BID_PROPORTION: "46" };
  const read = (f: string) => readFileSync(join(SQL_DIR, f), "utf8");
  const gen = read("ddl_gen.sql").replace(/\$\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const views = read("ddl_views.sql").replace(/\$\{NEXMARK_TABLE\}/g, "datagen");
  const text = read(`${query}.sql`).replace(/'connector'\s*=\s*'blackhole'/, "'connector' = 'print'");
  const at = text.search(/^INSERT\s+INTO/im);
  return { setup: `${nexmarkSqlOptions()}${gen}\n${views};\n${text.slice(0, at)}`, insert: text.slice(at) };
}

/** Catches console.log's lines (the print sink's, on the main thread) while `run` runs. */
async function printed(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void lines.push(String(line));
  try {
    await run();
  } finally {
    console.log = log;
  }
  return lines;
}

/** Printed `+I[a, b]` / `-U[…]` lines folded to a table (a multiset of rows, sorted). */
function folded(lines: string[]): string[] {
  return fold(lines.map((l) => ({ kind: l.slice(0, 2), row: [l.slice(2)] })));
}

const read = (job: JobHandle): number => job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);

/** The uninterrupted run's folded table (at p=1). */
export async function uninterrupted(query: string, events: number): Promise<string[]> {
  const { setup, insert } = script(query, events);
  return folded(await printed(async () => void (await new SqlSession().execute(`${setup}\nSET 'parallelism.default' = '1';\n${insert}`))));
}

export interface RescaleRun {
  outcome: "same" | "differs" | "error";
  detail: string;
}

/** Runs `query` at `from`, stops it with a savepoint after a random share (10–60%) of the source's rows, resumes at `to`. */
export async function rescaleRun(query: string, events: number, from: number, to: number, seed: number, expected: string[]): Promise<RescaleRun> {
  const { setup, insert } = script(query, events);
  const dir = mkdtempSync(join(tmpdir(), `sluice-rescale-${query}-`));
  let cutAt = 0;
  try {
    const lines = await printed(async () => {
      const session = new SqlSession({ checkpointDirectory: dir });
      await session.execute(`${setup}\nSET 'parallelism.default' = '${from}';`);
      const first = session.execute(insert);
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
    const got = folded(lines);
    const first = got.findIndex((r, i) => r !== expected[i]);
    if (got.length === expected.length && first < 0) return { outcome: "same", detail: `cut at ${cutAt}` };
    return { outcome: "differs", detail: `cut at ${cutAt}: ${got.length} rows of ${expected.length}; first difference ${got[first] ?? "(none)"} vs ${expected[first] ?? "(none)"}` };
  } catch (e) {
    return { outcome: "error", detail: `cut at ${cutAt}: ${(e as Error).message.replace(/\s+/g, " ").slice(0, 400)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  const queries = args.length > 0 ? args : RESCALE_QUERIES;
  console.log(`| query | ${TRANSITIONS.map(([a, b]) => `p=${a} → p=${b}`).join(" | ")} |`);
  console.log(`|---|${TRANSITIONS.map(() => "---|").join("")}`);
  const notes: string[] = [];
  for (const query of queries) {
    const expected = await uninterrupted(query, events);
    const cells: string[] = [];
    for (const [from, to] of TRANSITIONS) {
      const run = await rescaleRun(query, events, from, to, seed, expected);
      cells.push(run.outcome);
      if (run.outcome !== "same") notes.push(`${query} p=${from} → p=${to}: ${run.detail}`);
    }
    console.log(`| ${query} (${expected.length} rows) | ${cells.join(" | ")} |`);
  }
  for (const n of notes) console.log(`- ${n}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
