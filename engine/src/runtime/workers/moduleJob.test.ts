/**
 * A DataStream job declared in a module runs its subtasks on worker threads: keyed event-time windows
 * with allowed lateness and a late-data side output give, at parallelism 2 and 3 on workers, exactly
 * the windows and late records of parallelism 1 on the main thread (which WindowOperator.duckdb.test.ts
 * checks against DuckDB). One record per batch, so which records are late does not depend on batching.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { WindowJobArgs } from "./fixtures/windowJob.js";
import { executeModuleJob } from "./moduleJob.js";
import { workerStats } from "./WorkerPool.js";

const fixture = new URL("./fixtures/windowJob.js", import.meta.url);

async function run(parallelism: number, args: WindowJobArgs): Promise<{ windows: string[]; late: number[] }> {
  const { job, declared } = await executeModuleJob<ReturnType<typeof import("./fixtures/windowJob.js").declareWindowJob>>(fixture, "declareWindowJob", "module windows", {
    environment: { parallelism, batchSize: 1 },
    args,
  });
  await job.wait();
  return { windows: declared.out.values.map((r) => JSON.stringify(r)).sort(), late: declared.late.values.map((e) => e.idx).sort((a, b) => a - b) };
}

for (const assigner of ["tumbling", "sliding", "session"] as const) {
  test(`${assigner} windows of a module-declared job on 2 and 3 worker threads are those of one thread`, async () => {
    const args: WindowJobArgs = { seed: 7, n: 1500, assigner };
    const expected = await run(1, args);
    assert.ok(expected.windows.length > 50 && expected.late.length > 0, `${expected.windows.length} firings, ${expected.late.length} late`);
    for (const parallelism of [2, 3]) {
      const jobs = workerStats().jobs;
      assert.deepEqual(await run(parallelism, args), expected, `parallelism ${parallelism}`);
      assert.equal(workerStats().jobs, jobs + 1, "ran on worker threads");
    }
  });
}
