/**
 * A DataStream job declared in a module runs its subtasks on worker threads: keyed event-time windows
 * with allowed lateness and a late-data side output give, at parallelism 2 and 3 on workers, exactly
 * the windows and late records of parallelism 1 on the main thread, and (tumbling, sliding) DuckDB's
 * answer (`testing/windowOracle.ts`, as WindowOperator.duckdb.test.ts). One record per batch, so which
 * records are late does not depend on batching. Also: dead letters and processing-time timers of
 * subtasks on workers. ~5–8 s on a loaded machine.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileCheckpointStorage } from "../../checkpoint/CheckpointStorage.js";
import { query } from "../../connectors/duckdb/sharedDatabase.js";
import { FINAL_WINDOWS_SQL, type FinalWindow, finalWindows, firstWindowDifference, toFinalWindows, windowPairsSql } from "../../testing/windowOracle.js";
import type { Stats } from "../../windows/AggregateFunction.js";
import type { WindowResult } from "../../windows/WindowFunction.js";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Reading } from "./fixtures/deadLetterJob.js";
import { type declareWindowJob, WINDOW_BOUND, WINDOW_LATENESS, WINDOW_SHAPE, type WindowJobArgs, windowEvents } from "./fixtures/windowJob.js";
import { executeModuleJob } from "./moduleJob.js";
import { workerStats } from "./workerPlacement.js";

const fixture = new URL("./fixtures/windowJob.js", import.meta.url);
type Declared = ReturnType<typeof declareWindowJob>;

async function run(parallelism: number, args: WindowJobArgs): Promise<{ windows: string[]; late: number[]; results: WindowResult<string, Stats>[] }> {
  const { job, declared } = await executeModuleJob<Declared>(fixture, "declareWindowJob", "module windows", {
    environment: { parallelism, batchSize: 1 },
    args,
  });
  await job.wait();
  const results = declared.out.values;
  return { windows: results.map((r) => JSON.stringify(r)).sort(), late: declared.late.values.map((e) => e.idx).sort((a, b) => a - b), results };
}

/**
 * DuckDB's answer for the fixture's tumbling or sliding windows (`testing/windowOracle.ts`, as
 * WindowOperator.duckdb.test.ts): each window's final aggregate and firings, and the records dropped.
 */
async function duckdbWindows(args: WindowJobArgs): Promise<{ rows: FinalWindow[]; dropped: number[] }> {
  const table = `module_windows_${args.assigner}_${args.seed}`;
  const values = windowEvents(args.seed, args.n).map((e) => `(${e.idx}, '${e.k}', ${e.ts}, ${e.v})`);
  await query(`CREATE OR REPLACE TABLE ${table}(idx INTEGER, k VARCHAR, ts BIGINT, v INTEGER)`);
  await query(`INSERT INTO ${table} VALUES ${values.join(",")}`);
  const { size, slide } = WINDOW_SHAPE[args.assigner as "tumbling" | "sliding"];
  const pairs = windowPairsSql(table, `range(ts - (ts % ${slide}), ts - ${size}, -${slide})`, size, WINDOW_BOUND, WINDOW_LATENESS);
  const rows = toFinalWindows((await query(`${pairs} ${FINAL_WINDOWS_SQL}`)).values);
  const dropped = (await query(`${pairs} SELECT idx FROM q GROUP BY idx HAVING bool_and(dropped) ORDER BY idx`)).values.map((r) => Number(r.idx));
  await query(`DROP TABLE ${table}`);
  return { rows, dropped };
}

/** deepEqual's diff of two long arrays takes minutes: compare first, and show only the first difference. */
function assertSame(actual: { windows: string[]; late: number[] }, expected: { windows: string[]; late: number[] }, label: string): void {
  const at = actual.windows.findIndex((w, i) => w !== expected.windows[i]);
  assert.ok(
    at === -1 && actual.windows.length === expected.windows.length,
    `${label}: ${actual.windows.length} vs ${expected.windows.length} firings, first difference ${actual.windows[at]} vs ${expected.windows[at]}`,
  );
  assert.deepEqual(actual.late, expected.late, `${label}: late records`);
}

for (const assigner of ["tumbling", "sliding", "session"] as const) {
  test(`${assigner} windows of a module-declared job on 2 and 3 worker threads are those of one thread`, async () => {
    const args: WindowJobArgs = { seed: 7, n: 1500, assigner };
    const expected = await run(1, args);
    assert.ok(expected.windows.length > 50 && expected.late.length > 0, `${expected.windows.length} firings, ${expected.late.length} late`);
    // Sessions merge; the oracle's SQL knows no late data for them (WindowOperator.duckdb.test.ts checks them without).
    const oracle = assigner === "session" ? undefined : await duckdbWindows(args);
    for (const parallelism of [2, 3]) {
      const jobs = workerStats().jobs;
      const actual = await run(parallelism, args);
      assertSame(actual, expected, `parallelism ${parallelism}`);
      assert.equal(workerStats().jobs, jobs + 1, "ran on worker threads");
      // Its events cross the keyed edge as columns of the type they show (exchange/inferredType.ts), not as clones.
      const keyed = workerStats().edges.find((e) => / -> .*\(hash\)$/.test(e.edge));
      assert.equal(keyed?.codec, "inferred", JSON.stringify(workerStats().edges));
      if (oracle === undefined) continue;
      const { rows, problems } = finalWindows(actual.results);
      assert.deepEqual(problems, [], `parallelism ${parallelism}`);
      const difference = firstWindowDifference(rows, oracle.rows);
      assert.equal(difference, undefined, `parallelism ${parallelism} vs DuckDB: ${difference}`);
      assert.deepEqual(actual.late, oracle.dropped, `parallelism ${parallelism} vs DuckDB: records dropped as too late`);
    }
  });
}

/**
 * Random cut, as the one-thread restore tests: stopped with a savepoint on 2 worker threads once the
 * source read a random number of records, restored at parallelism 3 (the windows' keyed state
 * redistributed by key group across the threads); both runs' output together is the uninterrupted run's.
 */
test("windows stopped with a savepoint on 2 workers and restored on 3 give the uninterrupted run's output", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-module-restore-"));
  try {
    const args: WindowJobArgs = { seed: 3, n: 8000, assigner: "sliding" };
    const expected = await run(1, args);
    for (const seed of [1, 2]) {
      const checkpoints = join(dir, `cp-${seed}`);
      const first = await executeModuleJob<Declared>(fixture, "declareWindowJob", "module restore", { environment: { parallelism: 2, batchSize: 1 }, args, checkpoints });
      const cut = 200 + Math.floor(seededRandom(seed)() * args.n * 0.3);
      const read = () => first.job.metrics().operators.find((o) => o.kind === "source")?.recordsIn ?? 0;
      while (read() < cut && first.job.result === undefined) await new Promise((r) => setTimeout(r, 1));
      assert.equal(first.job.result, undefined, `seed ${seed}: the job ended before the cut at ${cut}`);
      await first.job.stop({ savepoint: "cut" });
      const second = await executeModuleJob<Declared>(fixture, "declareWindowJob", "module restore", {
        environment: { parallelism: 3, batchSize: 1 },
        args,
        checkpoints,
        restoreFrom: "cut",
      });
      await second.job.wait();
      const windows = [...first.declared.out.values, ...second.declared.out.values].map((r) => JSON.stringify(r)).sort();
      const late = [...first.declared.late.values, ...second.declared.late.values].map((e) => e.idx).sort((a, b) => a - b);
      assert.ok(second.declared.out.values.length > 0, `seed ${seed}: nothing left after the savepoint`);
      assertSame({ windows, late }, expected, `seed ${seed}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A record an operator on a worker rejects is a dead letter of the job on the main thread, with its reason, operator and subtask. */
test("dead letters of subtasks on worker threads are the job's, with reason, operator and subtask", async () => {
  const jobs = workerStats().jobs;
  const { job, declared } = await executeModuleJob<{ out: { values: number[] } }>(new URL("./fixtures/deadLetterJob.js", import.meta.url), "declareDeadLetterJob", "module dead letters", {
    environment: { parallelism: 2, batchSize: 10 }, // batches of 10 rebalanced over both subtasks
    args: { n: 500, every: 50 },
  });
  await job.wait();
  assert.equal(workerStats().jobs, jobs + 1, "ran on worker threads");
  assert.equal(declared.out.values.length, 490);
  const letters = job.deadLetters();
  assert.deepEqual(
    letters.map((l) => (l.record as Reading).id).sort((a, b) => a - b),
    Array.from({ length: 10 }, (_, i) => i * 50 + 49),
  );
  for (const letter of letters) {
    assert.equal(letter.operator, "parse");
    assert.match(letter.reason, /reading \d+: 'n\/a' is not a number/);
    assert.equal(letter.errorType, "UserFunctionError");
    assert.equal(letter.job, "module dead letters");
  }
  assert.deepEqual([...new Set(letters.map((l) => l.subtask))].sort(), [0, 1], "from both subtasks");
  assert.equal(job.metrics().deadLetters, 10);
});

/**
 * A stop without drain pauses processing-time timers until the job ends (they would emit after the
 * savepoint's barrier, output that a restore from it repeats), on worker threads as on one: the sink
 * holds exactly what it held at the barrier. Timers firing every millisecond on the workers; a stop
 * whose savepoint fails first, after which they fire again.
 */
test("a stop with savepoint pauses processing-time timers on worker threads: nothing reaches the sink after the barrier", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-module-timers-"));
  try {
    for (const parallelism of [2, 3]) {
      const { job, declared } = await executeModuleJob<{ out: { values: string[] } }>(new URL("./fixtures/tickerJob.js", import.meta.url), "declareTickerJob", "module ticks", {
        environment: { parallelism },
        args: { keys: 8 },
        checkpoints: dir,
      });
      const ticks = async (n: number) => {
        const deadline = Date.now() + 30_000;
        while (declared.out.values.length < n && job.result === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        assert.ok(declared.out.values.length >= n, `parallelism ${parallelism}: ${declared.out.values.length} ticks of ${n}`);
      };
      await ticks(100);
      // A stop whose savepoint fails (its file cannot be written): the job goes on, its timers with it.
      await assert.rejects(job.stop({ savepoint: "no-such-directory/doomed" }), /Writing checkpoint/);
      await ticks(declared.out.values.length + 100);
      const { savepoint, result } = await job.stop({ savepoint: `ticks-${parallelism}` });
      assert.equal(result.status, "finished", result.error?.message);
      const atBarrier = (await new FileCheckpointStorage(dir).load(savepoint!.path)).operators.find((o) => o.uid === "out")?.subtasks[0]?.state;
      assert.equal(declared.out.values.length, atBarrier, `parallelism ${parallelism}: ticks after the barrier`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
