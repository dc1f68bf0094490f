/**
 * A DataStream job declared in a module runs its subtasks on worker threads: keyed event-time windows
 * with allowed lateness and a late-data side output give, at parallelism 2 and 3 on workers, exactly
 * the windows and late records of parallelism 1 on the main thread (which WindowOperator.duckdb.test.ts
 * checks against DuckDB). One record per batch, so which records are late does not depend on batching.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import type { declareWindowJob, WindowJobArgs } from "./fixtures/windowJob.js";
import { executeModuleJob } from "./moduleJob.js";
import { workerStats } from "./workerPlacement.js";

const fixture = new URL("./fixtures/windowJob.js", import.meta.url);
type Declared = ReturnType<typeof declareWindowJob>;

async function run(parallelism: number, args: WindowJobArgs): Promise<{ windows: string[]; late: number[] }> {
  const { job, declared } = await executeModuleJob<Declared>(fixture, "declareWindowJob", "module windows", {
    environment: { parallelism, batchSize: 1 },
    args,
  });
  await job.wait();
  return { windows: declared.out.values.map((r) => JSON.stringify(r)).sort(), late: declared.late.values.map((e) => e.idx).sort((a, b) => a - b) };
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
    for (const parallelism of [2, 3]) {
      const jobs = workerStats().jobs;
      assertSame(await run(parallelism, args), expected, `parallelism ${parallelism}`);
      assert.equal(workerStats().jobs, jobs + 1, "ran on worker threads");
      // Its events cross the keyed edge as columns of the type they show (exchange/inferredType.ts), not as clones.
      const keyed = workerStats().edges.find((e) => / -> .*\(hash\)$/.test(e.edge));
      assert.equal(keyed?.codec, "inferred", JSON.stringify(workerStats().edges));
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
