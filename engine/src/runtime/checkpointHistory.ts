import type { CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import type { CheckpointRecord } from "./JobMetrics.js";

/** How many checkpoints `job.metrics().checkpoints.history` keeps (Flink's web UI keeps 10 by default). */
export const CHECKPOINT_HISTORY = 10;

/** The latest checkpoints of one job attempt, for a dashboard: triggered, then completed or failed. */
export class CheckpointHistory {
  private readonly records: CheckpointRecord[] = [];

  started(kind: CheckpointRecord["kind"], now: number): CheckpointRecord {
    const record: CheckpointRecord = { id: undefined, kind, status: "in-progress", triggeredAt: now, durationMs: undefined, path: undefined };
    this.records.push(record);
    if (this.records.length > CHECKPOINT_HISTORY) this.records.shift();
    return record;
  }

  completed(record: CheckpointRecord, metadata: CheckpointMetadata): void {
    Object.assign(record, {
      id: metadata.id,
      status: "completed",
      durationMs: Math.max(0, metadata.completedAt - record.triggeredAt),
      path: metadata.path,
      ...(metadata.bytes !== undefined ? { sizeBytes: metadata.bytes } : {}),
    });
  }

  failed(record: CheckpointRecord, error: unknown, now: number): void {
    Object.assign(record, { status: "failed", durationMs: Math.max(0, now - record.triggeredAt), failure: error instanceof Error ? error.message : String(error) });
  }

  /** Copies, so a reader's list does not change under it. */
  list(): CheckpointRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
}
