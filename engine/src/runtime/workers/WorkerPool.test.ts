import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { poolResourceLimits, poolWorkers, WORKER_YOUNG_GENERATION_MB } from "./WorkerPool.js";

/** A thread's limits once its isolate exists (before that, the ones not given read 0). */
async function started(limits: () => ResourceLimits): Promise<ResourceLimits> {
  for (let waited = 0; !((limits().maxOldGenerationSizeMb ?? 0) > 0); waited += 10) {
    if (waited > 10_000) throw new Error("the thread's isolate did not start within 10 s");
    await sleep(10);
  }
  return limits();
}

test("pool threads get at least WORKER_YOUNG_GENERATION_MB of young generation, and never less than a default worker", async () => {
  const plain = new Worker("setTimeout(() => {}, 200)", { eval: true });
  await once(plain, "online");
  const defaults = await started(() => plain.resourceLimits ?? {});
  await plain.terminate();
  const [pooled] = poolWorkers(1);
  const young = (await started(() => pooled!.resourceLimits)).maxYoungGenerationSizeMb ?? 0;
  // Node 20 (V8 11): a default worker's 48 MB raised to 96; Node 24 (V8 13): its default 192 MB kept.
  assert.ok(young >= WORKER_YOUNG_GENERATION_MB, `pool thread ${young} MB`);
  assert.ok(young >= (defaults.maxYoungGenerationSizeMb ?? 0), `pool thread ${young} MB, a default worker ${defaults.maxYoungGenerationSizeMb} MB`);
});

test("the young generation is raised only where V8's default is below it (V8 before 12)", () => {
  assert.deepEqual(poolResourceLimits("11.3.244.8-node.33"), { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB });
  assert.deepEqual(poolResourceLimits("13.6.233.17-node.41"), {});
});
