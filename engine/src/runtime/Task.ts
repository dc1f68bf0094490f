import type { CheckpointParticipant } from "../checkpoint/CheckpointCoordinator.js";
import type { OperatorCheckpoint, SubtaskCheckpoint } from "../checkpoint/CheckpointData.js";
import type { PlanNode } from "../graph/JobPlan.js";
import type { ConnectorStatus } from "../connectors/ConnectorStatus.js";
import type { SourceSubtaskWatermark } from "./JobMetrics.js";

/**
 * What a task tells the runner. Each call is a one-way message carrying plain data, so a task on
 * a worker thread can send it as well (the runner never calls back into the task from here).
 */
export interface TaskListener {
  /** Async work of the task settled (with its error, if it failed): the scheduler looks again. */
  wake(error?: unknown): void;
  /** The task's part of checkpoint `checkpointId` (its barrier went through it). */
  acknowledge(checkpointId: number, snapshot: SubtaskCheckpoint): void;
}

/** One subtask's counters for `job.metrics()`: plain data, summed per operator by `collectMetrics`. */
export interface SubtaskMetrics {
  recordsIn: number;
  recordsOut: number;
  watermark: number;
  backlog: number;
  lateRecordsDropped: number;
  deadLetters: number;
  busy: boolean;
  finished: boolean;
  /**
   * Its output is blocked now: a channel downstream is full, so it may not run (Flink's
   * "back-pressured" task). Sampled whenever metrics are read; a host averages the samples.
   */
  backPressured: boolean;
  /** Sources: what holds this subtask's event time back, and the processing time it was taken at. */
  source?: { watermark: SourceSubtaskWatermark; now: number };
  /** A connector's (a source reader's or sink writer's `connectorStatus()`): plain data, so it crosses from a worker thread with the rest. */
  connector?: ConnectorStatus;
}

/**
 * One subtask of a running job, as the runner drives it (Flink's `StreamTask`): a source
 * (`SourceTask`) or any other operator (`OperatorTask`). The runner knows tasks only through this
 * interface and `TaskListener`, so no runner code asks which kind a task is. A task is also its own
 * checkpoint participant. Everything here takes and returns plain data or promises, which a later
 * step can turn into messages to a subtask on a worker thread.
 */
export interface Task extends CheckpointParticipant {
  readonly node: PlanNode;
  readonly subtask: number;
  readonly finished: boolean;

  /** Restores checkpointed state, before `open`: `saved` is this operator's part of the checkpoint. */
  restore(saved: OperatorCheckpoint): void;
  /** Opens the reader or operator. Tasks open one after another, in plan and subtask order. */
  open(): Promise<void>;
  /** Every task is open: begin (an operator task without inputs finishes at once). */
  start(): void;
  /** Fires due processing-time work (timers, periodic watermarks); returns whether any ran. */
  fireTimers(now: number): boolean;
  /** Whether `runOnce` has something to do now (input to take, room to emit into). */
  canRun(now: number): boolean;
  /** Takes one step: one input element, or one poll of a source. */
  runOnce(now: number): void;
  /** Earliest processing time at which the task wants to run again without being woken. */
  nextWakeUp(): number;
  /** The job is cancelled: what its async work throws from now on is a consequence, not a failure. */
  cancel(): void;
  /** Resolves once no async call of the task is in flight (a write is never closed under itself). */
  settled(): Promise<void>;
  /** The job failed or was cancelled: drop uncommitted output (two-phase commit), before `close`. */
  abortUncommitted(): Promise<void>;
  /** Whether its output is committed in two phases (so end of input needs a final commit). */
  readonly twoPhaseCommit: boolean;
  /** End of input without checkpointing: commit the tail at once (two-phase commit only). */
  commitAtEndOfInput(): Promise<void>;
  close(): Promise<void>;
  metrics(): SubtaskMetrics;
}
