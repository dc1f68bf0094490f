/**
 * An exception thrown inside a job's function is reported like a cell's own error: the cell's line
 * (`Cell In[n], line L`) and source, not tslab's `cell-17-7.ts:8:15`, and without the engine's
 * frames unless SLUICE_DEBUG asks for them. A real CellRunner (tslab) compiles and runs the cell.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import * as engine from "../../../engine/src/index.js";
import { CellRunner } from "../execute/cellRunner.js";
import { jobError } from "./jobError.js";

const runner = new CellRunner(process.cwd());
after(() => runner.close());
(globalThis as Record<string, unknown>).__sluiceEngine = engine;

const CELL = `const { StreamEnvironment, sinks } = (globalThis as any).__sluiceEngine;
const env = StreamEnvironment.create();
env.fromArray([1, 2, 3])
  .map((x: number) => { if (x === 2) throw new Error("boom at " + x); return x; })
  .sinkTo(sinks.collect());
(globalThis as any).__failedJob = env.execute("bad");`;

async function failedJob(): Promise<Error> {
  const r = await runner.execute(CELL, 7);
  assert.equal(r.status, "ok", r.status === "error" ? r.error.traceback.join("\n") : "");
  const job = (globalThis as Record<string, unknown>).__failedJob as engine.JobHandle;
  const result = await job.done;
  assert.equal(result.status, "failed");
  return result.error!;
}

test("a job's error points at the cell line of the function that threw, without engine frames", async () => {
  const error = await failedJob();
  const tb = jobError("bad", error, (stack) => runner.userFrames(stack)).traceback.join("\n");
  assert.match(tb, /operator: map/);
  assert.match(tb, /cause: Error: boom at 2\n\s+at \(Cell In\[7\], line 4, column \d+\)/);
  assert.match(tb, /Cell In\[7\], line 4:\n(.*\n){2}.*--> 4.*\.map\(\(x: number\) => \{ if \(x === 2\) throw/);
  assert.doesNotMatch(tb, /cell-\d+-\d+\.ts/);
  assert.doesNotMatch(tb, /engine[/\\]src|node:internal/);
});

test("SLUICE_DEBUG keeps the engine's frames", async () => {
  const error = await failedJob();
  process.env.SLUICE_DEBUG = "1";
  try {
    const tb = jobError("bad", error, (stack) => runner.userFrames(stack)).traceback.join("\n");
    assert.match(tb, /Cell In\[7\], line 4/);
    assert.match(tb, /engine[/\\]src[/\\]operators/);
  } finally {
    delete process.env.SLUICE_DEBUG;
  }
});
