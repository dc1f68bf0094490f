/**
 * Issue 20 for a module-defined TypeScript job (nexmarkJob.ts through `executeModuleJob`, as a notebook's
 * `.ts` file runs): DataStream q5 stopped with a savepoint at parallelism 1 (the main thread) resumed at 2
 * (worker threads), and at 2 resumed at 1, gives the uninterrupted run's rows. The Nexmark source merges
 * its subtasks' positions (connectors/nexmark/position.ts); the windows' and q5's keyed state is
 * redistributed by key group.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { seededRandom } from "../../engine/src/testing/chaosSource.js";
import type { NexmarkJobArgs, NexmarkJobResult } from "./nexmarkJob.js";

const module = new URL("./nexmarkJob.js", import.meta.url);
const args: NexmarkJobArgs = { query: "q5", count: 200_000, eventsPerSecond: 10_000, check: true, collect: true };
const start = (parallelism: number, checkpoints?: string, restoreFrom?: string) =>
  executeModuleJob<NexmarkJobResult>(module, "declareNexmark", "nexmark q5 module", {
    environment: { parallelism },
    args,
    ...(checkpoints ? { checkpoints } : {}),
    ...(restoreFrom ? { restoreFrom } : {}),
  });
const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

test("a module-defined q5 stopped with a savepoint at p=1 resumes at p=2, and at p=2 resumes at p=1: the uninterrupted run's rows", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-module-rescale-"));
  try {
    const whole = await start(1);
    await whole.job.wait();
    const expected = sorted(whole.declared.rows);
    assert.ok(expected.length > 5, `${expected.length} rows`);
    for (const [from, to] of [
      [1, 2],
      [2, 1],
    ] as const) {
      const checkpoints = join(dir, `cp-${from}-${to}`);
      const first = await start(from, checkpoints);
      const cut = Math.floor(args.count * (0.1 + 0.5 * seededRandom(from * 10 + to)()));
      const read = () => first.job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);
      while (read() < cut && first.job.result === undefined) await new Promise((r) => setTimeout(r, 1));
      assert.equal(first.job.result, undefined, `p=${from}: the job ended before the cut at ${cut}`);
      await first.job.stop({ savepoint: "cut" });
      const second = await start(to, checkpoints, "cut");
      await second.job.wait();
      assert.equal(second.job.result?.status, "finished");
      assert.deepEqual(sorted([...first.declared.rows, ...second.declared.rows]), expected, `p=${from} -> p=${to}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
