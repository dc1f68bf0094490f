/**
 * The result of a statement running on a Flink cluster, as a source of the embedded engine: each
 * gateway page's rows become `Change`s (Flink's RowKind as the SQL layer's short kinds), so a
 * local job can apply them to the same sinks and live views a local query uses. Bounded when the
 * statement's result ends (EOS); closing the reader (job cancelled, kernel shutting down) closes
 * the gateway operation and cancels the Flink job through the REST API, since closing an operation
 * alone does not stop every job.
 */
import type { Source, SourcePoll, SourceReader } from "../Source.js";
import type { Change } from "../../sql/changelog.js";
import type { FlinkRestClient } from "./FlinkRestClient.js";
import type { ChangelogRow, ColumnInfo, FlinkOperation, ResultPage, RowKind } from "./FlinkSqlGateway.js";
import { flinkDisplayRow } from "./values.js";

const KIND: Record<RowKind, Change["kind"]> = { INSERT: "+I", UPDATE_BEFORE: "-U", UPDATE_AFTER: "+U", DELETE: "-D" };

/** A gateway row as the SQL layer's change; with `columns`, timestamps as Flink's SQL client shows them. */
export function toChange(row: ChangelogRow, columns?: readonly ColumnInfo[]): Change {
  return { kind: KIND[row.kind], row: columns === undefined ? row.fields : flinkDisplayRow(row.fields, columns) };
}

export interface FlinkResultSourceOptions {
  /** Whether the result ends (a bounded query); the engine's job then finishes at EOS. */
  bounded: boolean;
  /** Cancels the Flink job when the reader closes before EOS; without it only the operation is closed. */
  rest?: FlinkRestClient;
  /** The result's columns: timestamps are then shown as Flink's SQL client shows them. */
  columns?: readonly ColumnInfo[];
  /** Told the Flink job id as soon as a page carries it (for `%jobs`). */
  onJobId?: (jobId: string) => void;
}

export function flinkResultSource(operation: FlinkOperation, options: FlinkResultSourceOptions): Source<Change> {
  return {
    name: `Flink: ${operation.statement.replace(/\s+/g, " ").trim().slice(0, 60)}`,
    bounded: options.bounded,
    // One gateway reader per operation.
    maxParallelism: 1,
    createReader: () => new FlinkResultReader(operation, options),
  };
}

class FlinkResultReader implements SourceReader<Change> {
  private readonly abort = new AbortController();
  private pages: AsyncGenerator<ResultPage> | undefined;
  private ended = false;
  private reported: string | undefined;

  constructor(
    private readonly operation: FlinkOperation,
    private readonly options: FlinkResultSourceOptions,
  ) {}

  async poll(): Promise<SourcePoll<Change>> {
    this.pages ??= this.operation.pages(this.abort.signal);
    const next = await this.pages.next();
    const jobId = this.operation.jobId;
    if (jobId !== undefined && jobId !== this.reported) {
      this.reported = jobId;
      this.options.onJobId?.(jobId);
    }
    if (next.done) {
      this.ended = true;
      return { values: [], end: true };
    }
    return { values: next.value.rows.map((row) => toChange(row, this.options.columns)) };
  }

  async close(): Promise<void> {
    if (this.ended) {
      await this.operation.close();
      return;
    }
    // Stopped before EOS: stop the Flink job first (its operation's close does not always), then free the operation.
    this.abort.abort();
    const jobId = this.operation.jobId;
    if (jobId !== undefined && this.options.rest) await this.options.rest.cancelJob(jobId);
    await this.operation.close();
  }
}
