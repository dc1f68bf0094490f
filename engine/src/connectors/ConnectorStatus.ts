/**
 * Where one connector subtask's link to its outside system stands (a Kafka reader's or writer's
 * broker connection), as its `SourceReader` or `SinkWriter` reports it through `connectorStatus()`.
 * The job's metrics list a subtask retrying, failed, or with a `lastError` to tell while it runs
 * (`JobMetrics.connectors`), read when the metrics are, never per record.
 */
export interface ConnectorStatus {
  state: "connecting" | "running" | "retrying" | "failed" | "closed";
  /** Consecutive failed attempts since the last success. */
  attempts: number;
  /** Processing time the state was entered. */
  since: number;
  /** What went wrong last, or a notice while running (Kafka: offsets the broker had deleted were skipped). */
  lastError?: string;
}
