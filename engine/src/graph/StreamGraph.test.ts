/**
 * One long-lived environment (a notebook's `env`) runs job after job: what a finished job's nodes
 * hold (source data, collected output) must not stay reachable from the environment's graph, while
 * a stream declared in an earlier cell stays usable for later jobs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import type { CollectSink } from "../sinks/MemorySinks.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const collect = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
};

test("a finished job's sink and source become garbage though its environment lives on", async () => {
  const env = StreamEnvironment.create();
  let out: CollectSink<number> | undefined = sinks.collect<number>();
  env
    .fromArray([1, 2, 3])
    .map((x) => x * 2)
    .sinkTo(out);
  await env.execute("first").wait();
  assert.deepEqual(out.values, [2, 4, 6]);
  const firstSink = new WeakRef(out);
  out = undefined;
  // The process keeps the 50 most recent finished jobs (allJobs()); run enough to push "first" out.
  for (let i = 0; i < 51; i++) {
    env.fromArray([i]).sinkTo(sinks.collect());
    await env.execute(`filler ${i}`).wait();
  }
  await collect();
  assert.equal(firstSink.deref(), undefined, "the first job's collect sink is still reachable");
  assert.ok(!env.jobs.some((j) => j.name === "first"));
});

test("a stream declared before a GC still feeds a later job", async () => {
  const env = StreamEnvironment.create();
  const doubled = env
    .fromArray([1, 2, 3])
    .map((x) => x * 2)
    .name("double");
  await collect();
  const a = sinks.collect<number>();
  doubled.sinkTo(a);
  await env.execute("a").wait();
  await collect();
  const b = sinks.collect<number>();
  doubled.filter((x) => x > 2).sinkTo(b);
  await env.execute("b").wait();
  assert.deepEqual(a.values, [2, 4, 6]);
  assert.deepEqual(b.values, [4, 6]);
});
