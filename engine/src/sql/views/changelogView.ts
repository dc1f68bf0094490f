import type { Sink, SinkWriter } from "../../sinks/Sink.js";
import type { Column } from "../catalog.js";
import { type Change, ChangelogTable } from "../changelog.js";
import type { Row } from "../connectors.js";
import { LiveRowsView } from "./liveRowsView.js";
import type { RenderRows } from "./resultView.js";

/**
 * The sink of an unbounded updating query and its live view (the "update" result view of Flink's
 * SQL client and Zeppelin): the changelog applied to a table keyed by the query's unique key. A
 * host (the notebook kernel) shows it under `viewId` and re-renders it when it changes; since a
 * -U leaves its row shown until the +U replaces it, a rendering never shows a torn update.
 * Sink parallelism 1: the one writer applies changes in the order the aggregate emitted them (at
 * parallelism 1, as SQL jobs run here, a -U and its +U are adjacent in that order).
 */
export class ChangelogTableView extends LiveRowsView implements Sink<Change> {
  readonly name = "changelog table";
  private readonly table: ChangelogTable;
  private changes = 0;

  constructor(
    columns: Column[],
    uniqueKey: number[] | undefined,
    /** Rows drawn at most (the table itself keeps every group). */
    private readonly maxRows = 200,
    /** Draws the current rows otherwise than as a table (a single value, a chart). */
    render?: RenderRows,
  ) {
    super(columns, render);
    this.table = new ChangelogTable(uniqueKey);
  }

  createWriter(): SinkWriter<Change> {
    return {
      write: (values) => {
        for (const c of values) this.table.apply(c);
        // A -U whose +U a filter dropped is a removal; a -U ending the batch awaits its +U in the next.
        if (values.length > 0 && values[values.length - 1]?.kind !== "-U") this.table.flush();
        this.changes += values.length;
        this.changed();
      },
      // A job restarting from a checkpoint replays the changes after it: the table goes back to that point first.
      snapshotState: () => this.table.snapshot(),
      restoreState: (state) => this.table.restore(state as ReturnType<ChangelogTable["snapshot"]>),
      close: () => {
        this.table.flush();
        this.changed();
      },
    };
  }

  /** The table as it stands. */
  get rows(): Row[] {
    return this.table.values();
  }

  protected shown(): { rows: Row[]; caption: string } {
    const rows = this.rows;
    const more = rows.length > this.maxRows ? ` (first ${this.maxRows} shown)` : "";
    return { rows: rows.slice(0, this.maxRows), caption: `${rows.length} row${rows.length === 1 ? "" : "s"}${more}, updating (${this.changes} changes applied)` };
  }
}
