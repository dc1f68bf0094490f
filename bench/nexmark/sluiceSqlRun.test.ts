import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

const runner = fileURLToPath(new URL("./sluiceSqlRun.js", import.meta.url));

test("the SQL runner without a warm-up (warmup 0) times its two jobs and exits", async () => {
  // events.num = 0 is nexmark's unbounded source: a warm-up of 0 events used to start a job that never ended.
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", runner, "q0", "1", "4000", "10000000", "0", "1000"], { timeout: 60_000 });
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { events: number; warmup: number; eventsPerCpuSecond: number };
  assert.equal(result.events, 4000);
  assert.equal(result.warmup, 0);
  assert.ok(Number.isFinite(result.eventsPerCpuSecond));
});
