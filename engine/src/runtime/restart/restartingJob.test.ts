import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { CheckpointError } from "../../errors/errors.js";
import { chart } from "../../charts/chart.js";
import { sinks } from "../../sinks/sinks.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { TestSource } from "../../testing/TestSource.js";
import type { JobHandle } from "../JobHandle.js";
import { RestartStrategies, type RestartStrategyConfiguration } from "./RestartStrategies.js";
import { tempDir } from "../../testing/tempDir.js";

/** Lets pending callbacks run until `condition` holds; fails (instead of hanging) if it never does. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  assert.fail(`never happened: ${what}`);
}

/** Like `until`, for a condition that waits on real I/O (a checkpoint file written): polls every 5 ms, up to 10 s. */
async function untilAfterIo(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 5) {
    if (condition()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`never happened: ${what}`);
}

/** Advances the clock `step` ms at a time (letting callbacks run in between) until `condition` holds. */
async function advanceUntil(clock: ManualClock, step: number, condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 20; j++) {
      if (condition()) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    clock.advance(step);
  }
  assert.fail(`never happened: ${what}`);
}

/** TestSource → map (throws on 7 while `failures.left` > 0) → collect, with checkpointing on a ManualClock. */
async function failingJob(strategy: RestartStrategyConfiguration | undefined, failures: { left: number }) {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock }).enableCheckpointing({ directory: tempDir("sluice-restart-") });
  if (strategy !== undefined) env.setRestartStrategy(strategy);
  const source = new TestSource<number>();
  const out = sinks.collect<number>();
  env
    .fromSource(source)
    .uid("src")
    .map((x) => {
      if (x === 7 && failures.left > 0) {
        failures.left--;
        throw new Error("boom at 7");
      }
      return x * 10;
    })
    .uid("map")
    .sinkTo(out)
    .uid("sink");
  const job = env.execute("restarting");
  return { clock, source, out, job };
}

test("fixed-delay: a failed job restarts from its latest checkpoint after the delay, and ends with the uninterrupted output", async () => {
  const failures = { left: 2 };
  const { clock, source, out, job } = await failingJob(RestartStrategies.fixedDelayRestart(2, 1000), failures);
  source.push(1, 2, 3);
  await job.whenIdle();
  const checkpoint = await job.checkpoint();
  source.push(4, 5, 6, 7, 8, 9, 10);
  await until(() => job.status === "restarting", "first restart");
  const m = job.metrics();
  assert.equal(m.status, "restarting");
  assert.deepEqual({ ...m.restarts, lastFailureAt: undefined }, { count: 1, maxAttempts: 2, lastFailure: m.restarts!.lastFailure, lastFailureAt: undefined, restoringFrom: checkpoint.id });
  // The cause names where it happened, so a status line showing it needs no more context.
  assert.match(m.restarts!.lastFailure!, /boom at 7/);
  assert.match(m.restarts!.lastFailure!, /operator 'map' \(subtask 0\)[\s\S]*record: 7/);
  assert.equal(job.result, undefined, "the job is not over while it restarts");
  clock.advance(999);
  await job.whenIdle();
  assert.equal(job.status, "restarting", "the delay is not over");
  clock.advance(1);
  await until(() => job.metrics().restarts!.count === 2 && job.status === "restarting", "second restart (7 fails again)");
  clock.advance(1000);
  await until(() => job.status === "running", "second attempt running");
  source.end();
  const result = await job.done;
  assert.equal(result.status, "finished");
  assert.deepEqual(out.values, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], "rolled back to the checkpoint and replayed: nothing lost, nothing twice");
  assert.equal(result.metrics.restarts!.count, 2);
  assert.equal(result.metrics.checkpoints.restoredFrom, checkpoint.id);
});

test("fixed-delay gives up after its attempts: the job fails with the last cause", async () => {
  const { clock, source, job } = await failingJob(RestartStrategies.fixedDelayRestart(1, 50), { left: 99 });
  source.push(7);
  await until(() => job.status === "restarting", "restart");
  clock.advance(50);
  const result = await job.done;
  assert.equal(result.status, "failed");
  assert.match(result.error!.message, /boom at 7/);
  assert.equal(result.metrics.restarts!.count, 1);
});

test("without a restart strategy a job with checkpointing restarts (exponential-delay, 1 s first); one without checkpointing fails", async () => {
  const { clock, source, out, job } = await failingJob(undefined, { left: 1 });
  source.push(6, 7);
  await until(() => job.status === "restarting", "restart");
  assert.equal(job.metrics().restarts!.maxAttempts, 10, "the default's limit, shown as 1/10");
  clock.advance(1100); // 1 s ± 10 % jitter
  await until(() => job.status === "running", "restarted");
  source.end();
  assert.equal((await job.done).status, "finished");
  assert.deepEqual(out.values, [60, 70], "restarted from the start (no checkpoint yet), the collect sink rolled back");

  const env = StreamEnvironment.create();
  env
    .fromArray([7])
    .map((): number => {
      throw new Error("boom");
    })
    .sinkTo(sinks.collect());
  const plain = await env.execute("no checkpointing").done;
  assert.equal(plain.status, "failed");
  assert.equal(plain.metrics.restarts!.count, 0);
});

test("none: a job with checkpointing fails at its first failure", async () => {
  const { source, job } = await failingJob(RestartStrategies.noRestart(), { left: 1 });
  source.push(7);
  const result = await job.done;
  assert.equal(result.status, "failed");
  assert.equal(result.metrics.restarts!.count, 0);
});

test("cancel during the restart delay ends the job as cancelled, at once", async () => {
  const { source, job } = await failingJob(RestartStrategies.exponentialDelayRestart({ initialBackoff: 60_000, maxBackoff: 60_000 }), { left: 1 });
  source.push(7);
  await until(() => job.status === "restarting", "restart");
  const result = await job.cancel();
  assert.equal(result.status, "cancelled");
  assert.equal(result.error, undefined);
  assert.equal(job.status, "cancelled");
});

/** A job whose sink's second write never settles, with a checkpoint timeout of 5 s and a cancellation timeout of 1 s. */
async function stuckSinkJob(job: (env: StreamEnvironment) => void, strategy = RestartStrategies.noRestart()): Promise<{ clock: ManualClock; handle: JobHandle }> {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, taskCancellationTimeout: 1000 })
    .enableCheckpointing({ directory: tempDir("sluice-stuck-"), checkpointTimeout: 5000 })
    .setRestartStrategy(strategy);
  job(env);
  return { clock, handle: env.execute("stuck") };
}

test("a checkpoint stuck behind a sink write that never settles fails the job, naming the sink, instead of hanging", async () => {
  const source = new TestSource<number>();
  let writes = 0;
  const { clock, handle: job } = await stuckSinkJob((env) => {
    env.fromSource(source).sinkTo(
      sinks.callback<number>(async () => {
        if (++writes === 2) await new Promise<never>(() => {}); // a request to a dead broker, no timeout of its own
      }, "stuck-sink"),
    );
  });
  source.push(1);
  await job.whenIdle();
  source.push(2);
  await job.whenIdle();
  const checkpoint = job.checkpoint();
  checkpoint.catch(() => undefined);
  await job.whenIdle();
  clock.advance(5000);
  await assert.rejects(checkpoint, (e: CheckpointError) => e.expired && /expired after 5000 ms.*waiting for stuck-sink \(subtask 0\)/.test(e.message));
  // The job fails over; its teardown waits at most the cancellation timeout (1 s) for the stuck write.
  await advanceUntil(clock, 250, () => job.result !== undefined, "the job is over");
  assert.ok(clock.now() <= 5000 + 1500, `ended by ${clock.now()}`);
  assert.equal(job.result!.status, "failed");
  assert.ok(job.result!.error instanceof CheckpointError);
  assert.match(job.result!.error.message, /stuck-sink/);
  assert.equal(job.result!.error.context.operator, "stuck-sink");
});

test("a commit that never settles fails the checkpoint and the job, naming the committing sink", async () => {
  const source = new TestSource<number>();
  let committing = false;
  const { clock, handle: job } = await stuckSinkJob((env) => {
    env.fromSource(source).sinkTo({
      name: "stuck-commit",
      createWriter: () => ({
        write: () => undefined,
        prepareCommit: (id: number) => ({ id }),
        commit: () => {
          committing = true;
          return new Promise<never>(() => {});
        },
        abort: () => undefined,
      }),
    });
  });
  source.push(1);
  await job.whenIdle();
  const checkpoint = job.checkpoint();
  checkpoint.catch(() => undefined);
  await untilAfterIo(() => committing, "the commit began (after the checkpoint file was written, with real I/O)");
  clock.advance(5000);
  await assert.rejects(checkpoint, /commit of stuck-commit \(subtask 0\) never settled/);
  await advanceUntil(clock, 250, () => job.result !== undefined, "the job is over");
  assert.equal(job.result!.status, "failed");
  assert.match(job.result!.error!.message, /stuck-commit/);
});

test("a job failed over by a stuck checkpoint restarts from the last completed one (restart strategy takes over)", async () => {
  const source = new TestSource<number>();
  const out: number[] = [];
  let stuck = true;
  const { clock, handle: job } = await stuckSinkJob(
    (env) => {
      env
        .fromSource(source)
        .uid("src")
        .sinkTo(
          sinks.callback<number>(async (values) => {
            if (stuck && values.includes(3)) await new Promise<never>(() => {});
            out.push(...values);
          }, "flaky-sink"),
        )
        .uid("sink");
    },
    RestartStrategies.fixedDelayRestart(1, 100),
  );
  source.push(1, 2);
  await job.whenIdle();
  const first = await job.checkpoint();
  source.push(3);
  await job.whenIdle();
  job.checkpoint().catch(() => undefined);
  await job.whenIdle();
  clock.advance(5000);
  // Failing over waits up to the cancellation timeout (1 s) for the stuck write.
  await advanceUntil(clock, 250, () => job.status === "restarting", "restarting");
  assert.equal(job.metrics().restarts!.restoringFrom, first.id);
  stuck = false;
  await advanceUntil(clock, 50, () => job.status === "running", "restarted");
  source.end();
  const result = await job.done;
  assert.equal(result.status, "finished");
  assert.deepEqual(out, [1, 2, 3]);
});

test("a chart keeps its points across a restart, and replayed records replace theirs", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock })
    .enableCheckpointing({ directory: tempDir("sluice-restart-chart-") })
    .setRestartStrategy(RestartStrategies.fixedDelayRestart(1, 10));
  const source = new TestSource<number>();
  const failures = { left: 1 };
  const points = chart.line<{ x: number; y: number }>({ x: "x:Q", y: "y:Q", id: (r) => r.x });
  env
    .fromSource(source)
    .uid("src")
    .map((x) => {
      if (x === 5 && failures.left-- > 0) throw new Error("boom at 5");
      return { x, y: x * 10 };
    })
    .uid("map")
    .sinkTo(points)
    .uid("chart");
  const job = env.execute("chart restart");
  source.push(1, 2, 3);
  await job.whenIdle();
  await job.checkpoint();
  source.push(4, 5, 6);
  await until(() => job.status === "restarting", "restart");
  assert.deepEqual(points.data.map((p) => p.x).slice(0, 3), [1, 2, 3], "the points shown before the failure stay while the job restarts");
  clock.advance(10);
  source.end();
  assert.equal((await job.done).status, "finished");
  assert.deepEqual(
    points.data.map((p) => [p.x, p.y]),
    [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
      [5, 50],
      [6, 60],
    ],
    "one point each: records replayed from the checkpoint replaced theirs",
  );
});

test("a checkpoint published before its commit got stuck is complete: the restart restores it and recovers its commit", async () => {
  const source = new TestSource<number>();
  const log: string[] = [];
  let attempt = 0;
  /** The first attempt's commit began: the checkpoint file was published before it (real I/O). */
  let committing = false;
  const { clock, handle: job } = await stuckSinkJob(
    (env) => {
      env
        .fromSource(source)
        .uid("src")
        .sinkTo({
          name: "two-phase",
          createWriter: () => {
            const mine = ++attempt;
            return {
              write: () => undefined,
              prepareCommit: (id: number) => ({ id }),
              commit: (id: number) => {
                if (mine !== 1) return void log.push(`commit ${id}`);
                committing = true;
                return new Promise<never>(() => {});
              },
              recoverCommittables: (committables: unknown[]) => void log.push(`recover ${JSON.stringify(committables)}`),
              abort: () => undefined,
            };
          },
        })
        .uid("sink");
    },
    RestartStrategies.fixedDelayRestart(1, 10),
  );
  source.push(1);
  await job.whenIdle();
  const checkpoint = job.checkpoint();
  checkpoint.catch(() => undefined);
  await untilAfterIo(() => committing, "the first attempt's commit began (after the checkpoint file was published, with real I/O)");
  await advanceUntil(clock, 250, () => job.status === "restarting", "restarting");
  assert.equal(job.metrics().restarts!.restoringFrom, 1, "restores the published checkpoint, not an older one");
  await advanceUntil(clock, 10, () => job.status === "running", "restarted");
  await job.whenIdle();
  assert.deepEqual(log, ['recover [{"id":1}]'], "the restored sink commits what the stuck commit could not");
  source.end();
  assert.equal((await job.done).status, "finished");
});
