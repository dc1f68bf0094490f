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
  operators: OperatorMetrics[];
}

export interface CheckpointStats {
  /** Id of the checkpoint the job started from, if any. */
  restoredFrom: number | undefined;
  completed: number;
  failed: number;
  lastPath: string | undefined;
  /** Set when `restoreFrom: "latest"` found no checkpoint and the job started from scratch (also printed as a warning). */
  restoreNotice?: string;
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

/** `created` → `running` → one of `finished` | `failed` | `cancelled`. */
export type JobStatus = "created" | "running" | "finished" | "failed" | "cancelled";
