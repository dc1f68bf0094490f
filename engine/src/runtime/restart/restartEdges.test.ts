/**
 * Restarts where they meet other job control (found by review of issue 13's change): a restart
 * before any checkpoint, a stop whose savepoint completed, and the default strategy on a bounded job
 * with a bug. ManualClock-driven, so no timing of the machine matters.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { sinks } from "../../sinks/sinks.js";
import type { Sink } from "../../sinks/Sink.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { TestSource } from "../../testing/TestSource.js";
import { DEFAULT_RESTART_ATTEMPTS, RestartStrategies } from "./RestartStrategies.js";
import { tempDir } from "../../testing/tempDir.js";

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.fail(`never happened: ${what}`);
}
const tmp = async (prefix: string) => tempDir(prefix);

test("a restart before the first checkpoint puts sinks that roll back where the job found them: no output twice", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock }).enableCheckpointing({ directory: await tmp("sluice-restart-") });
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 10));
  const source = new TestSource<number>();
  const out = sinks.collect<number>();
  out.values.push(-1); // what an earlier job left in the sink stays
  let fail = true;
  env
    .fromSource(source)
    .map((x) => {
      if (x === 7 && fail) {
        fail = false;
        throw new Error("boom at 7");
      }
      return x * 10;
    })
    .sinkTo(out);
  const job = env.execute("restart from scratch");
  source.push(6);
  await job.whenIdle();
  assert.deepEqual(out.values, [-1, 60]);
  source.push(7);
  await until(() => job.status === "restarting", "a restart");
  clock.advance(10);
  await until(() => job.status === "running", "running again");
  source.end();
  assert.equal((await job.done).status, "finished");
  assert.deepEqual(out.values, [-1, 60, 70], "the uninterrupted output");
});

test("a failure after a stop's savepoint completed does not restart the job: stop() returns", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock }).enableCheckpointing({ directory: await tmp("sluice-restart-") });
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 10));
  const source = new TestSource<number>();
  let closes = 0;
  const sink: Sink<number> = {
    name: "flaky-close",
    createWriter: () => ({
      write: () => {},
      close: () => {
        if (closes++ === 0) throw new Error("close failed");
      },
    }),
  };
  env.fromSource(source).uid("src").sinkTo(sink).uid("sink");
  const job = env.execute("stop then fail");
  source.push(1, 2, 3);
  await job.whenIdle();
  const stopped = await job.stop({ savepoint: "s" });
  assert.equal(stopped.savepoint?.kind, "savepoint");
  assert.equal(stopped.result.status, "failed", "the close failure is the job's result");
  assert.equal(job.metrics().restarts?.count, 0, "no restart after a completed stop");
});

test(`the default strategy (checkpointing on) gives up after ${DEFAULT_RESTART_ATTEMPTS} restarts in a row: a bounded job with a bug ends with its error`, async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock }).enableCheckpointing({ directory: await tmp("sluice-restart-") });
  env
    .fromArray([1, 2, 3])
    .map((x) => {
      if (x === 2) throw new Error("bug");
      return x;
    })
    .sinkTo(sinks.collect());
  const job = env.execute("bug");
  let over = false;
  void job.done.then(() => (over = true));
  const restarts = () => job.metrics().restarts?.count ?? 0;
  await until(() => job.status === "restarting", "the first restart");
  for (let i = 0; i <= DEFAULT_RESTART_ATTEMPTS + 1 && !over; i++) {
    const before = restarts();
    clock.advance(60_000); // the longest backoff: the next attempt starts, and fails again
    await until(() => restarts() > before || over, "the next restart or the end");
  }
  assert.equal(over, true, `still ${job.status} after ${job.metrics().restarts?.count} restarts`);
  const result = await job.done;
  assert.equal(result.status, "failed");
  assert.match(result.error!.message, /bug/);
  assert.equal(job.metrics().restarts?.count, DEFAULT_RESTART_ATTEMPTS);
});
