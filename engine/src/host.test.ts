/**
 * The host interface ("sluice/host"): one host at a time, told of every job as it starts, asked to
 * show a job; and none of it reachable through the index that notebook cells see.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attachHost, isLiveView } from "./host.js";
import * as cellFacing from "./index.js";
import { ApiUsageError, chart, JobHandle, LIVE_VIEW, sinks, StreamEnvironment } from "./index.js";

test("the index cells see exports no host hook", () => {
  const hooks = ["attachHost", "setLiveHost", "liveHost", "onJobStarted", "allJobs", "registerJob", "isLiveView"];
  assert.deepEqual(
    hooks.filter((h) => h in cellFacing),
    [],
  );
});

test("attachHost: the host sees each job as it starts, lists them, and shows one on job.show()", async () => {
  const started: JobHandle[] = [];
  const shown: JobHandle[] = [];
  const engine = attachHost({ jobStarted: (j) => started.push(j), show: (j) => shown.push(j) });
  try {
    const env = StreamEnvironment.create();
    env.fromArray([1]).sinkTo(sinks.collect());
    const job = env.execute("hosted");
    assert.deepEqual(started, [job], "told synchronously inside execute()");
    assert.equal(engine.jobs().at(-1), job);
    assert.equal(job.show(), job);
    assert.deepEqual(shown, [job]);
    await job.wait();
    assert.ok(engine.jobs().includes(job), "finished jobs stay listed");
  } finally {
    engine.detach();
  }
  const env = StreamEnvironment.create();
  env.fromArray([2]).sinkTo(sinks.collect());
  const after = env.execute("after detach");
  assert.equal(started.length, 1, "a detached host hears of no more jobs");
  assert.throws(() => after.show(), ApiUsageError);
  await after.wait();
});

test("a second host cannot attach while one is attached (a cell cannot take the kernel's jobs)", () => {
  const first = attachHost({ jobStarted: () => {}, show: () => {} });
  try {
    assert.throws(
      () => attachHost({ jobStarted: () => {}, show: () => {} }),
      (e: unknown) => e instanceof ApiUsageError && /already attached/.test(e.message),
    );
  } finally {
    first.detach();
  }
  attachHost({ jobStarted: () => {}, show: () => {} }).detach();
});

test("isLiveView recognises the engine's live views by the LIVE_VIEW brand", () => {
  const line = chart.line<{ x: number; y: number }>({ x: "x:Q", y: "y:Q" });
  assert.ok(isLiveView(line));
  assert.equal(line[LIVE_VIEW], true);
  assert.ok(!isLiveView(sinks.collect()));
  assert.ok(!isLiveView(null));
  assert.ok(!isLiveView({ [LIVE_VIEW]: "yes" }));
  assert.ok(!isLiveView({ [Symbol.for("sluice.liveView")]: true }), "the brand is the engine's own symbol, not a global one");
});

test('the package exports the host interface as "sluice/host", beside the cell-facing "sluice"', async () => {
  // Through package.json "exports" (a self-reference), as a host installed from npm imports it.
  const [host, index]: Record<string, unknown>[] = await Promise.all(["sluice/host", "sluice"].map((s) => import(s)));
  assert.equal(host!.attachHost, attachHost);
  assert.ok(!("attachHost" in index!));
  assert.equal(index!.StreamEnvironment, StreamEnvironment);
});
