import type { Sink, SinkWriter } from "../../sinks/Sink.js";
import type { Column } from "../catalog.js";
import type { Row } from "../connectors.js";
import { LiveRowsView } from "./liveRowsView.js";
import type { RenderRows } from "./resultView.js";

/**
 * The "append" result view of an unbounded append-only query: rows as they come, bounded to the
 * newest `maxRows` (the cell's row limit), the caption saying how many older rows were dropped. A
 * live view: the host shows it under `viewId` and re-renders it, throttled, as rows arrive.
 */
export class AppendRowsView extends LiveRowsView implements Sink<Row> {
  readonly name = "append rows";
  private readonly kept: Row[] = [];
  private total = 0;

  constructor(
    columns: Column[],
    private readonly maxRows: number,
    /** Draws the kept rows otherwise than as a table (single value, chart). */
    render?: RenderRows,
  ) {
    super(columns, render);
  }

  createWriter(): SinkWriter<Row> {
    return {
      write: (values) => {
        for (const r of values) this.kept.push(r);
        if (this.kept.length > this.maxRows) this.kept.splice(0, this.kept.length - this.maxRows);
        this.total += values.length;
        this.changed();
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

  protected shown(): { rows: Row[]; caption: string } {
    const caption =
      this.dropped > 0
        ? `newest ${this.kept.length.toLocaleString("en-US")} of ${this.total.toLocaleString("en-US")} rows (${this.dropped.toLocaleString("en-US")} older rows dropped; the view keeps ${this.maxRows.toLocaleString("en-US")})`
        : `${this.total.toLocaleString("en-US")} row${this.total === 1 ? "" : "s"}, appending`;
    return { rows: this.kept, caption };
  }
}
