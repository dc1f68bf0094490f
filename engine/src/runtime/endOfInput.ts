import type { CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import { CheckpointError } from "../errors/errors.js";
import type { Task } from "./Task.js";
import type { StopWithSavepoint } from "./stopWithSavepoint.js";

/**
 * Every task finished: end of input, or a stop with drain (`stop`). A drain's savepoint is the final
 * checkpoint, so it carries and commits the sinks' tail as `commitEndOfInput` describes.
 * `checkpoint(name)` takes a savepoint named `name`, or a checkpoint without a name.
 */
export async function endOfInput(
  job: string,
  tasks: readonly Task[],
  checkpoint: ((savepointName?: string) => Promise<unknown>) | undefined,
  stop: StopWithSavepoint | undefined,
  fail: (error: unknown, task: Task | undefined) => void,
): Promise<void> {
  if (stop?.savepointName !== undefined && checkpoint !== undefined) {
    try {
      stop.succeed((await checkpoint(stop.savepointName)) as CheckpointMetadata);
    } catch (error) {
      fail(new CheckpointError(`The savepoint of the stop with drain failed: ${(error as Error).message}`, { job }, { cause: error }), undefined);
    }
    return;
  }
  let failed = false;
  await commitEndOfInput(job, tasks, checkpoint === undefined ? undefined : () => checkpoint(), (error, task) => {
    failed = true;
    fail(error, task);
  });
  if (!failed) stop?.succeed(undefined);
}

/**
 * Every task finished (bounded input): two-phase-commit sinks still hold what they wrote since
 * the last checkpoint. As Flink (FLIP-147), a final checkpoint of the finished tasks carries it and
 * commits it once durable, so a crash at any point replays to the same output: before the final
 * checkpoint, the previous one is restored and the tail is written again in a new transaction (the
 * old one aborted); after it, the restored sinks commit the final checkpoint's committables.
 * Without checkpointing (`checkpoint` undefined) there is nothing to restore from, and the tail is
 * committed right away. Failures go to `fail`, as the runner's own do.
 */
export async function commitEndOfInput(job: string, tasks: readonly Task[], checkpoint: (() => Promise<unknown>) | undefined, fail: (error: unknown, task: Task | undefined) => void): Promise<void> {
  const committers = tasks.filter((t) => t.twoPhaseCommit);
  if (committers.length === 0) return;
  if (checkpoint === undefined) {
    for (const task of committers) {
      try {
        await task.commitAtEndOfInput();
      } catch (error) {
        fail(error, task);
        return;
      }
    }
    return;
  }
  try {
    await checkpoint();
  } catch (error) {
    const message = `The final checkpoint at the end of input failed, so the sinks' last output was not committed (restore from the latest checkpoint to write it): ${(error as Error).message}`;
    fail(new CheckpointError(message, { job }, { cause: error }), undefined);
  }
}
