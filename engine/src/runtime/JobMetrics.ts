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
}

export interface CheckpointStats {
  /** Id of the checkpoint the job started from, if any. */
  restoredFrom: number | undefined;
  completed: number;
  failed: number;
  lastPath: string | undefined;
  /** Id of the latest checkpoint this attempt completed. */
  lastId?: number | undefined;
}

/** How often a job was restarted after failures, and from where. Operator counters start over with each restart. */
export interface RestartStats {
  /** Restarts so far (the one under way included). */
  count: number;
  /** Message of the failure that caused the latest restart. */
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
}

/**
 * `created` → `running` → one of `finished` | `failed` | `cancelled`. A failed attempt whose restart
 * strategy allows another goes `running` → `restarting` → `running` (see `RestartStrategies`).
 */
export type JobStatus = "created" | "running" | "restarting" | "finished" | "failed" | "cancelled";
