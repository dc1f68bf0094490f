/**
 * SQL jobs whose subtasks run on worker threads (`SET 'parallelism.default'` above 1): the same rows
 * as on one thread, and for a window aggregate DuckDB's batch answer over the same file (the rows
 * are out of order by less than the watermark's bound, so no row is late and every window is the
 * plain GROUP BY of its rows). A failing operator on a worker fails the job, naming it, and the
 * session goes on; so does a worker thread dying. Rows cross the keyed edges as columns
 * (`exchange/edgeCodec.ts`; `workerStats().edges` says how each edge of the last job crossed, and
 * this thread counts what it decoded), or as clones when SET so. About 4 s of CPU (the first job
 * starts the pool).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { sql } from "../../connectors/duckdb/sharedDatabase.js";
import { UserFunctionError } from "../../errors/errors.js";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { onJobStarted } from "../../runtime/jobRegistry.js";
import { exchangeStats } from "../../exchange/edgeCodec.js";
import { workerStats } from "../../runtime/workers/workerPlacement.js";
import { terminatePoolThread } from "../../runtime/workers/WorkerPool.js";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Row } from "../connectors.js";
import { SqlSession, type StatementResult } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-parallel-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 6000;
const csv = join(dir, "events.csv");
writeEvents(csv, ROWS);
const DDL = ddlFor(csv);

function writeEvents(path: string, n: number): void {
  const random = seededRandom(11);
  const base = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(base + i * 37 - Math.floor(random() * 800)).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${Math.floor(random() * 17)},${Math.floor(random() * 1000) - 500},${ts}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

const TWO_PHASE = "SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';";
const ONE_PHASE = "SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';";

function ddlFor(path: string): string {
  return `CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');`;
}

function tableRows(result: StatementResult | undefined): Row[] {
  assert.equal(result?.kind, "table");
  return result.rows;
}

async function rows(parallelism: number, query: string, ddl = DDL): Promise<string[]> {
  const session = new SqlSession();
  const results = await session.execute(`${ddl}\nSET 'parallelism.default' = '${parallelism}';\n${query}`);
  const last = results.at(-1)!;
  assert.equal(last.kind, "table");
  return (last.rows as Row[]).map((r) => JSON.stringify(r)).sort();
}

test("a TUMBLE aggregate on 2 and 3 worker threads gives the rows of one thread and DuckDB's", async () => {
  const query =
    "SELECT window_start, k, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS lo, MAX(id) AS hi FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, k";
  const oracle = await sql`SELECT epoch_ms(time_bucket(INTERVAL 5 SECOND, ts)) AS w, k, COUNT(*)::INT AS c, SUM(v)::INT AS s, MIN(v)::INT AS lo, MAX(id)::INT AS hi
    FROM read_csv(${csv}, header = false, columns = {'id': 'INT', 'k': 'VARCHAR', 'v': 'INT', 'ts': 'TIMESTAMP'}) GROUP BY ALL`;
  const expected = oracle.map((r) => JSON.stringify([Number(r.w), r.k, r.c, r.s, r.lo, r.hi])).sort();
  assert.ok(expected.length > 500, `${expected.length} windows`);
  let before = workerStats().jobs;
  assert.deepEqual(await rows(1, query), expected);
  assert.equal(workerStats().jobs, before, "parallelism 1 runs on the main thread");
  for (const parallelism of [2, 3]) {
    before = workerStats().jobs;
    const decoded = exchangeStats().decoded;
    // In one phase (ONE_PHASE; AUTO plans two, below): every row crosses the keyed edge.
    assert.deepEqual(await rows(parallelism, `${ONE_PHASE}\n${query}`), expected, `parallelism ${parallelism}`);
    assert.equal(workerStats().jobs, before + 1, `parallelism ${parallelism} ran on worker threads`);
    // The keyed edge into the window operator crosses as columns; so does its output to the collect sink on this thread.
    const edges = workerStats().edges;
    assert.deepEqual(edges.find((e) => /-> window aggregate.* \(hash\)$/.test(e.edge))?.codec, "columnar", JSON.stringify(edges));
    // Only the columns the window aggregate reads cross (its key and its aggregates' arguments): `ts` is sent as NULL.
    assert.deepEqual(edges.find((e) => /-> window aggregate.* \(hash\)$/.test(e.edge))?.columns, ["id", "k", "v", "(ts)"]);
    assert.ok(exchangeStats().decoded.columnar > decoded.columnar, "this thread decoded columnar batches");
    assert.equal(exchangeStats().decoded.clone, decoded.clone, "and no cloned ones");
  }
  assert.equal(workerStats().threads, Math.min(3, availableParallelism()), "a pool of at most one thread per core, kept across jobs");
  // In two phases (Flink's plan): the local one in the scan's subtask, partials per key and window hashed to the global one.
  for (const parallelism of [2, 3]) {
    assert.deepEqual(await rows(parallelism, parallelism === 2 ? query : `${TWO_PHASE}\n${query}`), expected, `parallelism ${parallelism}, two phases`);
    const edges = workerStats().edges;
    assert.ok(
      edges.some((e) => e.edge === "LocalWindowAggregate -> GlobalWindowAggregate (hash)"),
      JSON.stringify(edges),
    );
  }
});

test("a window aggregate over an upstream window aggregate's rows (cascaded, as nexmark q5's MAX) on worker threads gives the rows of one thread and DuckDB's", async () => {
  // The second aggregate finds each row's window in its window_start/window_end columns: they must cross
  // threads with the row though it groups by nothing else (session 10's projection sent them as NULL, and
  // about half the rows were lost at parallelism 2).
  const query = `SELECT window_start, window_end, MAX(c) AS top, SUM(c) AS total FROM (
      SELECT window_start, window_end, k, COUNT(*) AS c FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end, k
    ) GROUP BY window_start, window_end`;
  const oracle =
    await sql`WITH w AS (SELECT epoch_ms(time_bucket(INTERVAL 2 SECOND, ts)) AS slide, k FROM read_csv(${csv}, header = false, columns = {'id': 'INT', 'k': 'VARCHAR', 'v': 'INT', 'ts': 'TIMESTAMP'})),
    per AS (SELECT s.start AS ws, k, COUNT(*) AS c FROM w, (SELECT DISTINCT slide - 4000 + i * 2000 AS start FROM w, range(3) t(i)) s WHERE w.slide >= s.start AND w.slide < s.start + 6000 GROUP BY ALL)
    SELECT ws, MAX(c)::INT AS top, SUM(c)::INT AS total FROM per GROUP BY ws`;
  const expected = oracle.map((r) => JSON.stringify([Number(r.ws), Number(r.ws) + 6000, r.top, r.total])).sort();
  assert.ok(expected.length > 100, `${expected.length} windows`);
  assert.deepEqual(await rows(1, query), expected, "parallelism 1");
  assert.deepEqual(await rows(2, query), expected, "parallelism 2");
});

test("an updating GROUP BY on worker threads folds to the table of one thread, its rows keyed across as columns (or clones when SET so)", async () => {
  const query = "SELECT k, COUNT(*) AS c, SUM(v) AS s, MAX(ts) AS last_ts FROM ev WHERE v > -300 GROUP BY k";
  const one = await rows(1, query);
  assert.deepEqual(await rows(2, query), one);
  const keyed = () => workerStats().edges.find((e) => /^WHERE.* -> GroupAggregate.* \(hash\)$/.test(e.edge))?.codec;
  assert.equal(keyed(), "columnar", JSON.stringify(workerStats().edges));
  assert.deepEqual(await rows(2, `SET 'sluice.parallel.exchange' = 'clone';\n${query}`), one);
  assert.equal(keyed(), "clone");
});

test("an operator throwing on a worker fails the job naming operator and subtask; the session goes on", async () => {
  const session = new SqlSession();
  await session.execute(`${DDL}\nSET 'parallelism.default' = '2';`);
  await assert.rejects(session.execute("SELECT k, SUM(10 / (v - 7)) AS q FROM ev GROUP BY k"), (error: unknown) => {
    assert.ok(error instanceof UserFunctionError, String(error));
    assert.equal(error.context.operator, "GroupAggregate(groupBy=[k])");
    assert.ok(error.context.subtask === 0 || error.context.subtask === 1);
    assert.match(error.message, /\/ by zero/);
    return true;
  });
  const [after] = await session.execute("SELECT COUNT(*) AS n FROM ev");
  assert.deepEqual(after?.kind === "table" ? after.rows.at(-1) : undefined, [ROWS]);
});

/**
 * As `restore/windowRestore.test.ts` on one thread: stopped with a savepoint once the sources read a
 * random number of rows (barriers aligned across the worker threads' channels), then restored; both
 * runs' rows together are the uninterrupted run's. Restored on workers and, from the same savepoint,
 * on one thread (same parallelism: a file source and the collect sink cannot be rescaled).
 */
test("a window aggregate on workers stopped with a savepoint at random rows and restored gives the uninterrupted rows", async () => {
  const keyed =
    "SELECT window_start, k, COUNT(*) AS c, SUM(v) AS s, MAX(id) AS hi FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end, k";
  // Grouped by the window alone: two phases, whose local phase sends what it holds before each barrier.
  const windowOnly =
    "SELECT window_start, COUNT(*) AS c, SUM(v) AS s, MAX(id) AS hi FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end";
  // More rows than above, so that a cut lands while the sources still read.
  const n = 20_000;
  const path = join(dir, "more-events.csv");
  writeEvents(path, n);
  const expectedOf = new Map([keyed, windowOnly].map((q) => [q, rows(1, q, ddlFor(path))]));
  for (const [seed, parallelism, restoreOnWorkers, query] of [
    [1, 2, true, windowOnly],
    [2, 3, true, keyed],
    [3, 2, false, windowOnly],
  ] as const) {
    const expected = await expectedOf.get(query);
    const session = new SqlSession({ checkpointDirectory: join(dir, `cp-${seed}`) });
    await session.execute(`${ddlFor(path)}\nSET 'parallelism.default' = '${parallelism}';`);
    const first = session.execute(query);
    while (session.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
    const job = session.jobs[0]!;
    const cut = 500 + Math.floor(seededRandom(seed)() * n * 0.4);
    const read = () => job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);
    while (read() < cut && job.result === undefined) await new Promise((r) => setTimeout(r, 1));
    assert.equal(job.result, undefined, `seed ${seed}: the job ended before the cut at row ${cut}`);
    await job.stop({ savepoint: "cut" });
    const before = tableRows((await first).at(-1));
    if (!restoreOnWorkers) await session.execute(`SET 'sluice.parallel.workers' = 'false';`);
    const jobs = workerStats().jobs;
    const after = tableRows((await session.execute(query, { restoreFrom: "cut" })).at(-1));
    assert.equal(workerStats().jobs, jobs + (restoreOnWorkers ? 1 : 0));
    assert.ok(after.length > 0, `seed ${seed}: nothing left after the savepoint`);
    assert.deepEqual([...before, ...after].map((r) => JSON.stringify(r)).sort(), expected, `seed ${seed}: ${before.length} + ${after.length} rows`);
  }
});

test("INSERT INTO a blackhole at parallelism 2 (its sink on the workers too) takes every row", async () => {
  const session = new SqlSession();
  const jobs = workerStats().jobs;
  const started = new Promise<JobHandle>((resolve) => {
    const stop = onJobStarted((job) => {
      stop();
      resolve(job);
    });
  });
  await session.execute(`${DDL}\nCREATE TABLE nowhere (k STRING, v INT) WITH ('connector' = 'blackhole');\nSET 'parallelism.default' = '2';\nINSERT INTO nowhere SELECT k, v FROM ev`);
  assert.equal(workerStats().jobs, jobs + 1);
  const sink = (await started).metrics().operators.find((o) => o.kind === "sink");
  assert.equal(sink?.recordsIn, ROWS);
});

test("a worker thread dying fails its job naming what ran there; the next parallel job gets a new thread", async () => {
  const session = new SqlSession();
  const [, , started] = await session.execute(
    `CREATE TABLE gen (k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'fields.k.min' = '0', 'fields.k.max' = '9');
    SET 'parallelism.default' = '2';
    SELECT window_start, k, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k`,
  );
  assert.equal(started?.kind, "job");
  const job = started.job;
  const read = () => job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);
  while (read() === 0 && job.result === undefined) await new Promise((r) => setTimeout(r, 5));
  await terminatePoolThread(0);
  const result = await job.done;
  assert.equal(result.status, "failed");
  assert.match(result.error?.message ?? "", /Worker thread 1 running .*gen\[datagen\] \(subtask 0\).* died: exited with code 1/);
  const threads = workerStats().threads;
  assert.deepEqual(await rows(2, "SELECT COUNT(*) AS n FROM ev"), [JSON.stringify([ROWS])]);
  assert.equal(workerStats().threads, threads + 1, "the dead thread was replaced");
});
