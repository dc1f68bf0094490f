import type { FileCheckpointStorage } from "../checkpoint/CheckpointStorage.js";
import type { Clock } from "../time/Clock.js";
import type { SinkStatesAtStart } from "./restart/sinkStatesAtStart.js";
import type { DeadLetterLog } from "./SubtaskContext.js";
import type { TaskPlacement } from "./buildTasks.js";
import type { JobPlan } from "../graph/JobPlan.js";

/** What a placement hands on to the threads it builds subtasks on. */
export type PlacementOptions = Pick<RuntimeOptions, "batchSize" | "channelCapacity" | "autoWatermarkInterval"> & {
  checkpointing: boolean;
  /** The job's dead letters: those of subtasks on other threads are added here (`job.deadLetters()`). */
  deadLetters: DeadLetterLog;
};

/** How `JobRunner` runs a job (from `StreamEnvironment`'s settings and `execute` options). */
export interface RuntimeOptions {
  clock: Clock;
  /** Records per source poll. */
  batchSize: number;
  /** Records a channel holds before its producer pauses. */
  channelCapacity: number;
  /** Processing-time ms between watermark generator calls while a source waits. */
  autoWatermarkInterval: number;
  /** Dead letters kept in memory for `job.deadLetters()`. */
  deadLetterRetention: number;
  /** Wall-clock ms the scheduler runs before yielding to the event loop. */
  timeSliceMs: number;
  /** Where checkpoints go; without it `checkpoint()` is refused. */
  checkpointStorage?: FileCheckpointStorage | undefined;
  /** Processing-time ms between automatic checkpoints; undefined = only when asked. */
  checkpointInterval?: number | undefined;
  /** Start from this checkpoint: `latest` in the storage, a savepoint name, or a path. */
  restoreFrom?: string | undefined;
  /** Accept checkpoints holding state of operators this job no longer has. */
  allowNonRestoredState?: boolean | undefined;
  /** Clock ms before a checkpoint that has not completed fails (default 10 min). */
  checkpointTimeout?: number | undefined;
  /** Failed checkpoints in a row tolerated before the job fails (default 0). */
  tolerableCheckpointFailures?: number | undefined;
  /** Clock ms a failed or cancelled job waits for a write, commit or close still under way (default 180 s). */
  taskCancellationTimeout?: number | undefined;
  /** Dead letters shared by every attempt of a restarting job. */
  deadLetterLog?: DeadLetterLog | undefined;
  /**
   * A restart with no checkpoint to restore: the sinks' state when the first attempt started
   * (`JobRunner.sinkStatesAtStart`), so sinks that roll back on restore (collect, file sinks) drop
   * what the failed attempt wrote instead of keeping it twice.
   */
  sinkStatesAtStart?: SinkStatesAtStart | undefined;
  /** Spreads the subtasks over threads (`runtime/workers/`): the placement of one attempt, given how to wake its runner. */
  placement?: ((plan: JobPlan, options: PlacementOptions, notify: () => void) => TaskPlacement) | undefined;
}
