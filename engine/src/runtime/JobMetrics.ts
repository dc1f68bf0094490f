import type { SplitWatermark } from "../time/WatermarkMultiplexer.js";

/** Snapshot of a job's progress, from `job.metrics()`. Counts are totals since the job started. */
export interface JobMetrics {
  jobName: string;
  status: JobStatus;
  /** Processing time (clock ms) the job started and, once over, ended. */
  startedAt: number;
  endedAt: number | undefined;
  /** Lowest watermark over all sink subtasks: event time up to which results are complete. */
  watermark: number;
  deadLetters: number;
  checkpoints: CheckpointStats;
  /** Restarts by the job's restart strategy (see `RestartStrategies`); absent for a job that never restarts. */
  restarts?: RestartStats;
  operators: OperatorMetrics[];
  /** Connectors (Kafka's source and sink) retrying, failed, or reporting something while they run; absent when none does. */
  connectors?: ConnectorNotice[];
  /**
   * While the job runs and a source's watermark has not advanced for a few seconds (at once for a
   * source without a watermark strategy): that source, and why it holds event time back.
   */
  watermarkHold: WatermarkHold | undefined;
}

/**
 * The input that holds a running job's watermark back:
 * - `no-strategy`: the source has no watermark strategy; it sends none until its end (if bounded);
 * - `quiet`: no records (on `split`, if given) for `quietFor` ms, or none yet (`quietFor` undefined),
 *   and no `withIdleness` on the strategy to stop waiting for it;
 * - `lagging`: records arrive (on `split`) but their watermark stays at `watermark`.
 */
export interface WatermarkHold {
  /** The source's operator name. */
  source: string;
  subtask: number;
  parallelism: number;
  reason: "no-strategy" | "quiet" | "lagging";
  /** The split (e.g. a Kafka partition, `topic[2]`) that holds the source back. */
  split?: string;
  /** Its watermark (MIN_WATERMARK: none yet). */
  watermark: number;
  quietFor?: number;
}

/** One source subtask's watermark, in `OperatorMetrics.sourceWatermarks`. */
export interface SourceSubtaskWatermark {
  subtask: number;
  /** False without a watermark strategy: the subtask sends no watermark until its (bounded) input ends. */
  hasStrategy: boolean;
  watermark: number;
  idle: boolean;
  finished: boolean;
  /** Processing time the watermark last advanced (the subtask's start before its first). */
  advancedAt: number;
  /** Processing time of the last record read; undefined before the first. */
  lastRecordAt: number | undefined;
  /** Readers made of splits: each split's own watermark, idleness and last record. */
  splits: SplitWatermark[] | undefined;
}

/** One subtask of an operator, in `OperatorMetrics.subtasks`. */
export interface SubtaskFigures {
  subtask: number;
  recordsIn: number;
  recordsOut: number;
  watermark: number;
  backlog: number;
  backPressured: boolean;
  busy: boolean;
  finished: boolean;
}

/** An edge of the job graph, as `OperatorMetrics.inputs` lists it. */
export interface OperatorInput {
  from: number;
  /** `forward`, `hash` (keyBy), `rebalance`, `broadcast`, … */
  partitioning: string;
  /** Set for a side output's edge: the tag's id. */
  sideOutput?: string;
}

/** One checkpoint or savepoint of this attempt, newest last in `CheckpointStats.history`. */
export interface CheckpointRecord {
  id: number | undefined;
  kind: "checkpoint" | "savepoint";
  status: "in-progress" | "completed" | "failed";
  /** Processing time (clock ms) it was triggered. */
  triggeredAt: number;
  /** Trigger to completion or failure. */
  durationMs: number | undefined;
  path: string | undefined;
  /** Size of the checkpoint's file once written (Flink's "checkpointed data size"). */
  sizeBytes?: number;
  failure?: string;
}

export interface CheckpointStats {
  /** Id of the checkpoint the job started from, if any. */
  restoredFrom: number | undefined;
  completed: number;
  failed: number;
  lastPath: string | undefined;
  /** Set when `restoreFrom: "latest"` found no checkpoint and the job started from scratch (also printed as a warning). */
  restoreNotice?: string;
  /** Id of the latest checkpoint this attempt completed. */
  lastId?: number | undefined;
  /** The latest checkpoints and savepoints (at most `CHECKPOINT_HISTORY`), as Flink's dashboard lists them. */
  history?: CheckpointRecord[];
}

/** A connector subtask's trouble or notice, e.g. Kafka's "offsets out of range, skipped: orders[0] 12 -> 40". */
export interface ConnectorNotice {
  /** The source's or sink's operator name. */
  operator: string;
  subtask: number;
  /** "retrying", "failed", or the state it reports from (e.g. "running"). */
  state: string;
  message: string | undefined;
  /** Processing time (clock ms) the connector entered that state. */
  since: number;
}

/** How often a job was restarted after failures, and from where. Operator counters start over with each restart. */
export interface RestartStats {
  /** Restarts so far (the one under way included); Flink's `numRestarts`. */
  count: number;
  /** Restarts the strategy allows before the job fails; undefined when no fixed count applies (failure-rate, unlimited exponential-delay). */
  maxAttempts?: number | undefined;
  /** Message of the failure that caused the latest restart (it names the operator, subtask, key and record where the error has them). */
  lastFailure: string | undefined;
  /** Processing time (clock ms) of that failure. */
  lastFailureAt: number | undefined;
  /** Id of the checkpoint the latest restart restores from; undefined = from the start. */
  restoringFrom: number | undefined;
}

export interface OperatorMetrics {
  id: number;
  uid: string;
  name: string;
  kind: "source" | "operator" | "sink" | "dead-letters";
  parallelism: number;
  /** Records taken in (sources: records read). */
  recordsIn: number;
  /** Records emitted on the main output. */
  recordsOut: number;
  /** Lowest watermark over the operator's subtasks. */
  watermark: number;
  /** Records queued in front of the operator, waiting to be processed. */
  backlog: number;
  lateRecordsDropped: number;
  deadLetters: number;
  /** Subtasks waiting on async work (a slow sink write, a source read). */
  busySubtasks: number;
  finishedSubtasks: number;
  /** Subtasks whose output is blocked by a full channel downstream, at the moment of reading. */
  backPressuredSubtasks: number;
  /** The operators feeding this one (by `id`) and how records are distributed to it. */
  inputs: OperatorInput[];
  /** Each subtask's own figures (what the sums above are made of), for a per-subtask view. */
  subtasks: SubtaskFigures[];
  /** Sources only: the watermark of each subtask (and of its splits), to find what holds event time back. */
  sourceWatermarks?: SourceSubtaskWatermark[];
}

/**
 * `created` → `running` → one of `finished` | `failed` | `cancelled`. A failed attempt whose restart
 * strategy allows another goes `running` → `restarting` → `running` (see `RestartStrategies`).
 */
export type JobStatus = "created" | "running" | "restarting" | "finished" | "failed" | "cancelled";
