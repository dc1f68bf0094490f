/**
 * A finished job keeps its final metrics and lets its operators go once the next job finished: the
 * registry keeps the handles of the most recent finished jobs (for `%jobs`, `env.jobs`, job cards),
 * and a handle used to keep the job's runner, and so every operator's keyed and window state,
 * reachable until 50 more jobs finished. (The last finished job's stay: see `JobRunner.release`.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Collector } from "../api/functions.js";
import type { KeyedProcessContext, KeyedProcessFunction } from "../api/keyedFunctions.js";
import { allJobs } from "./jobRegistry.js";
import { sinks } from "../sinks/sinks.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("a finished job's keyed state is collectable once the next job finished, while its handle is still listed; its metrics stay", async () => {
  const held: WeakRef<object>[] = [];
  class Keep implements KeyedProcessFunction<number, number, number> {
    processElement(v: number, ctx: KeyedProcessContext<number>, out: Collector<number>): void {
      const big = { rows: new Array<number>(10_000).fill(v) };
      held.push(new WeakRef(big));
      ctx.getState<{ rows: number[] }>("big").update(big);
      out.collect(v);
    }
  }
  const env = StreamEnvironment.create();
  env
    .fromArray([1, 2, 3, 4])
    .keyBy((v) => v)
    .process(new Keep())
    .name("keep")
    .sinkTo(sinks.forEach(() => undefined));
  const job = env.execute("finished job state");
  await job.wait();
  env.fromArray([5]).sinkTo(sinks.forEach(() => undefined));
  await env.execute("the next job").wait();
  assert.ok(allJobs().includes(job), "the registry still lists the finished job");
  await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets live until the current job (turn) ends
  gc();
  assert.equal(held.length, 4);
  assert.deepEqual(
    held.map((r) => r.deref()),
    [undefined, undefined, undefined, undefined],
  );
  const keep = job.metrics().operators.find((o) => o.name === "keep");
  assert.equal(keep?.recordsIn, 4);
  assert.equal(job.metrics().status, "finished");
});
