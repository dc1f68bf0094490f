/**
 * What flows through channels between subtasks. Records always travel in batches; control
 * elements (watermark, idleness, barrier, end) travel alone and keep their order relative to batches.
 */

/** Records with their event timestamps (NaN = none), as parallel arrays. Read-only once sent. */
export interface RecordBatch<T = unknown> {
  readonly values: readonly T[];
  readonly timestamps: readonly number[];
}

export type StreamElement =
  | { readonly kind: "records"; readonly batch: RecordBatch }
  | { readonly kind: "watermark"; readonly timestamp: number }
  | { readonly kind: "status"; readonly idle: boolean }
  | { readonly kind: "barrier"; readonly checkpointId: number }
  | { readonly kind: "end" };

export const END: StreamElement = { kind: "end" };
export const IDLE: StreamElement = { kind: "status", idle: true };
export const ACTIVE: StreamElement = { kind: "status", idle: false };
