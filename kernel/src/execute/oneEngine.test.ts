/**
 * Cells and the kernel share one instance of the engine: tslab compiles a cell to CommonJS, and
 * its require() of the engine's ES module (Node >= 20.19) returns the very module the kernel
 * imported, so classes, the job registry and the shared database are the kernel's own.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { CellRunner } from "./cellRunner.js";
import { preludeSource } from "./prelude.js";
import { duckdb, JobHandle } from "../../../engine/src/index.js";
import { attachHost } from "../../../engine/src/host.js";

const runner = new CellRunner(process.cwd());
after(() => runner.close());
const prelude = runner.execute(await preludeSource(), 0);

test("a job a cell starts is an instanceof the kernel's JobHandle, and the kernel's host hears of it", async () => {
  assert.equal((await prelude).status, "ok");
  const started: JobHandle[] = [];
  const engine = attachHost({ jobStarted: (j) => started.push(j), show: () => {} });
  try {
    const r = await runner.execute('const env = StreamEnvironment.create();\nenv.fromArray([1, 2]).sinkTo(sinks.collect());\nenv.execute("from a cell")', 1);
    assert.equal(r.status, "ok");
    const job = r.status === "ok" ? r.result?.value : undefined;
    assert.ok(job instanceof JobHandle, "the cell's JobHandle class is the kernel's");
    assert.deepEqual(started, [job]);
    await job.wait();
  } finally {
    engine.detach();
  }
});

test("the shared database a cell uses is the kernel's", async () => {
  const r = await runner.execute("await duckdb.database()", 2);
  assert.equal(r.status, "ok");
  assert.equal(r.status === "ok" && r.result?.value, await duckdb.database());
});

test('import from "sluice" in a cell is the kernel\'s engine, type-checked', async () => {
  const r = await runner.execute('import { JobHandle as ImportedHandle, Time as T } from "sluice";\nconst ms: number = T.seconds(2);\nImportedHandle', 4);
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.equal(r.status === "ok" && r.result?.value, JobHandle);
  const typed = await runner.execute('import { Time as T2 } from "sluice";\nconst s: string = T2.seconds(1);', 5);
  assert.equal(typed.status, "error", "types come from the engine's declarations");
});

test("a cell cannot name the host's hooks", async () => {
  assert.doesNotMatch(await preludeSource(), /\b(attachHost|setLiveHost|onJobStarted|allJobs)\b/, "the prelude imports a host hook into cells");
  for (const hook of ["attachHost", "setLiveHost", "onJobStarted", "allJobs"]) {
    const r = await runner.execute(`typeof ${hook}`, 3);
    assert.equal(r.status, "error", `${hook} is visible to cells`);
    if (r.status === "error") assert.match(r.error.evalue, new RegExp(`Cannot find name '${hook}'`));
  }
});

test("liveUpdates set in a cell is the setting the presenter reads", async () => {
  const { liveUpdateIntervalMs, liveUpdates } = await import("../jobs/liveSettings.js");
  const before = liveUpdates.intervalMs;
  try {
    const r = await runner.execute("liveUpdates.intervalMs = 777", 6);
    assert.equal(r.status, "ok");
    assert.equal(liveUpdateIntervalMs(), 777);
  } finally {
    liveUpdates.intervalMs = before;
  }
});
