/**
 * The content of a checkpoint or savepoint: per operator (matched by `uid` on restore), per subtask,
 * the operator's own state, the source position and the watermarks. JSON-serializable via `codec.ts`.
 */
export interface CheckpointData {
  version: 1;
  job: string;
  id: number;
  kind: "checkpoint" | "savepoint";
  /** Processing time (job clock) at which the checkpoint completed. */
  completedAt: number;
  operators: OperatorCheckpoint[];
}

export interface OperatorCheckpoint {
  uid: string;
  name: string;
  kind: "source" | "operator" | "sink" | "dead-letters";
  parallelism: number;
  maxParallelism: number;
  subtasks: SubtaskCheckpoint[];
}

export interface SubtaskCheckpoint {
  /** Operator state (`Operator.snapshotState`), or the sink writer's state. */
  state?: unknown;
  /** Two-phase-commit sinks: what `SinkWriter.prepareCommit` returned for this checkpoint. */
  committable?: unknown;
  /** Source reader position. */
  position?: unknown;
  /** Watermark the subtask had sent downstream. */
  watermark: number;
  /** Combined input watermark (operators only). */
  inputWatermark?: number;
  /** The subtask had already finished (bounded input done). */
  finished: boolean;
}

/** Returned when a checkpoint or savepoint has been written. */
export interface CheckpointMetadata {
  id: number;
  kind: "checkpoint" | "savepoint";
  path: string;
  completedAt: number;
  /** Size of the written file (the checkpoint's state, encoded). */
  bytes?: number;
}
