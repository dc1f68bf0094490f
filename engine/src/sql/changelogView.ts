import { randomUUID } from "node:crypto";
import { textTableBundle } from "../charts/tableView.js";
import { LIVE_VIEW, type LiveView } from "../live/LiveView.js";
import type { Sink, SinkWriter } from "../sinks/Sink.js";
import type { Column } from "./catalog.js";
import { type Change, ChangelogTable } from "./changelog.js";
import { display, type Row } from "./connectors.js";

/**
 * The sink of an unbounded updating query and its live view (the "update" result view of Flink's
 * SQL client and Zeppelin): the changelog applied to a table keyed by the query's unique key. A
 * host (the notebook kernel) shows it under `viewId` and re-renders it when it changes; since a
 * -U leaves its row shown until the +U replaces it, a rendering never shows a torn update.
 * Sink parallelism 1: the one writer applies changes in the order the aggregate emitted them (at
 * parallelism 1, as SQL jobs run here, a -U and its +U are adjacent in that order).
 */
export class ChangelogTableView implements Sink<Change>, LiveView {
  readonly [LIVE_VIEW] = true as const;
  readonly name = "changelog table";
  readonly maxParallelism = 1;
  readonly viewId = `sluice-view-${randomUUID()}`;
  private readonly table: ChangelogTable;
  private readonly listeners = new Set<() => void>();
  private changes = 0;

  constructor(
    readonly columns: Column[],
    uniqueKey: number[] | undefined,
    /** Rows drawn at most (the table itself keeps every group). */
    private readonly maxRows = 200,
    /** Draws the current rows otherwise than as a table (a single value, a chart). */
    private readonly render?: (columns: Column[], rows: Row[]) => Record<string, unknown>,
  ) {
    this.table = new ChangelogTable(uniqueKey);
  }

  createWriter(): SinkWriter<Change> {
    return {
      write: (values) => {
        for (const c of values) this.table.apply(c);
        // A -U whose +U a filter dropped is a removal; a -U ending the batch awaits its +U in the next.
        if (values.length > 0 && values[values.length - 1]?.kind !== "-U") this.table.flush();
        this.changes += values.length;
        for (const l of this.listeners) l();
      },
      // A job restarting from a checkpoint replays the changes after it: the table goes back to that point first.
      snapshotState: () => this.table.snapshot(),
      restoreState: (state) => this.table.restore(state as ReturnType<ChangelogTable["snapshot"]>),
      close: () => {
        this.table.flush();
        for (const l of this.listeners) l();
      },
    };
  }

  /** The table as it stands. */
  get rows(): Row[] {
    return this.table.values();
  }

  bundle(): Record<string, unknown> {
    const rows = this.rows;
    if (this.render) return this.render(this.columns, rows);
    const cells = rows.slice(0, this.maxRows).map((r) => r.map((v, i) => display(v, this.columns[i]?.type)));
    const more = rows.length > this.maxRows ? ` (first ${this.maxRows} shown)` : "";
    const caption = `${rows.length} row${rows.length === 1 ? "" : "s"}${more}, updating (${this.changes} changes applied)`;
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

  /** Shown as itself when a cell ends with it (the kernel's display protocol). */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return this.bundle();
  }
}
