/**
 * A checkpoint barrier injected while a source's last poll is in flight: the poll then ends the
 * source, and the barrier must still go out (before the end), or the checkpoint never completes and
 * two-phase-commit sinks that got it through other subtasks wait for its commit forever.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Source, SourcePoll } from "../connectors/Source.js";
import { sinks } from "../sinks/sinks.js";

test("a barrier injected during the final poll is acknowledged before the source ends", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-barrier-"));
  let polls = 0;
  let finishLastPoll: (() => void) | undefined;
  let lastPollStarted!: () => void;
  const started = new Promise<void>((resolve) => (lastPollStarted = resolve));
  const source: Source<number> = {
    name: "ends-in-flight",
    bounded: true,
    createReader: () => ({
      poll: (): SourcePoll<number> | Promise<SourcePoll<number>> => {
        polls++;
        if (polls === 1) return { values: [1, 2, 3] };
        lastPollStarted();
        return new Promise((resolve) => (finishLastPoll = () => resolve({ values: [4], end: true })));
      },
      snapshotPosition: () => polls,
      restorePosition: () => {},
    }),
  };
  const env = StreamEnvironment.create().enableCheckpointing({ directory: dir });
  const out = sinks.collect<number>();
  env.fromSource(source).sinkTo(out);
  const job = env.execute("barrier in flight");
  try {
    await started;
    // The last poll's result arrives (the task now holds it, to emit on its next turn), and the
    // barrier is injected before that turn: it must go out before the end of input.
    await job.whenIdle(); // the scheduler waits for the poll
    finishLastPoll!(); // queues the result's delivery to the task...
    const checkpoint = job.checkpoint(); // ...and then the barrier's injection, both before the task's next turn
    const metadata = await checkpoint;
    assert.equal(typeof metadata.id, "number", "the checkpoint completed instead of being aborted at the end of the job");
    const result = await job.wait();
    assert.equal(result.status, "finished");
    assert.deepEqual(out.values, [1, 2, 3, 4]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
