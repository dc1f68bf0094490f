import { randomUUID } from "node:crypto";
import { textTableBundle } from "../../charts/tableView.js";
import { LIVE_VIEW, type LiveView } from "../../live/LiveView.js";
import type { Sink, SinkWriter } from "../../sinks/Sink.js";
import type { Column } from "../catalog.js";
import { display, type Row } from "../connectors.js";
import type { RenderRows } from "./resultView.js";

/**
 * The "append" result view of an unbounded append-only query: rows as they come, bounded to the
 * newest `maxRows` (the cell's row limit), the caption saying how many older rows were dropped. A
 * live view: the host shows it under `viewId` and re-renders it, throttled, as rows arrive.
 */
export class AppendRowsView implements Sink<Row>, LiveView {
  readonly [LIVE_VIEW] = true as const;
  readonly name = "append rows";
  readonly maxParallelism = 1;
  readonly viewId = `sluice-view-${randomUUID()}`;
  private readonly kept: Row[] = [];
  private total = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly columns: Column[],
    private readonly maxRows: number,
    /** Draws the kept rows otherwise than as a table (single value, chart). */
    private readonly render?: RenderRows,
  ) {}

  createWriter(): SinkWriter<Row> {
    return {
      write: (values) => {
        for (const r of values) this.kept.push(r);
        if (this.kept.length > this.maxRows) this.kept.splice(0, this.kept.length - this.maxRows);
        this.total += values.length;
        for (const l of this.listeners) l();
      },
      // A restart replays the rows after the checkpoint: the count goes back to it (the kept rows are a window anyway).
      snapshotState: () => ({ total: this.total, kept: this.kept.map((r) => [...r]) }),
      restoreState: (state) => {
        const s = state as { total: number; kept: Row[] };
        this.total = s.total;
        this.kept.splice(0, this.kept.length, ...s.kept);
      },
    };
  }

  /** The rows shown: the newest `maxRows`. */
  get rows(): Row[] {
    return [...this.kept];
  }

  /** Rows dropped from the view to keep it bounded. */
  get dropped(): number {
    return this.total - this.kept.length;
  }

  bundle(): Record<string, unknown> {
    if (this.render) return this.render(this.columns, this.rows);
    const cells = this.kept.map((r) => r.map((v, i) => display(v, this.columns[i]?.type)));
    const caption =
      this.dropped > 0
        ? `newest ${this.kept.length.toLocaleString("en-US")} of ${this.total.toLocaleString("en-US")} rows (${this.dropped.toLocaleString("en-US")} older rows dropped; the view keeps ${this.maxRows.toLocaleString("en-US")})`
        : `${this.total.toLocaleString("en-US")} row${this.total === 1 ? "" : "s"}, appending`;
    return textTableBundle(
      this.columns.map((c) => c.name),
      cells,
      { caption },
    );
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return this.bundle();
  }
}
