import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type ResourceLimits, Worker } from "node:worker_threads";
import { poolWorkers, WORKER_YOUNG_GENERATION_MB } from "./WorkerPool.js";

/** A thread's limits once its isolate exists (before that, the ones not given read 0). */
async function started(limits: () => ResourceLimits): Promise<ResourceLimits> {
  for (let waited = 0; !((limits().maxOldGenerationSizeMb ?? 0) > 0); waited += 10) {
    if (waited > 10_000) throw new Error("the thread's isolate did not start within 10 s");
    await sleep(10);
  }
  return limits();
}

test("pool threads get a larger young generation than a default worker (fewer scavenges of records in flight)", async () => {
  const plain = new Worker("setTimeout(() => {}, 200)", { eval: true });
  await once(plain, "online");
  const defaults = await started(() => plain.resourceLimits ?? {});
  await plain.terminate();
  const [pooled] = poolWorkers(1);
  const limits = await started(() => pooled!.resourceLimits);
  assert.equal(limits.maxYoungGenerationSizeMb, WORKER_YOUNG_GENERATION_MB);
  assert.ok(WORKER_YOUNG_GENERATION_MB > (defaults.maxYoungGenerationSizeMb ?? Number.POSITIVE_INFINITY), `default ${defaults.maxYoungGenerationSizeMb} MB`);
});
