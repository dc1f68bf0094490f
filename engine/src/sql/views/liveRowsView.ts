import { randomUUID } from "node:crypto";
import { textTableBundle } from "../../charts/tableView.js";
import { LIVE_VIEW, type LiveView } from "../../live/LiveView.js";
import type { Column } from "../catalog.js";
import { display, type Row } from "../connectors.js";
import type { RenderRows } from "./resultView.js";

/**
 * What the append and changelog result views share: a live view (a host shows it under `viewId` and
 * re-renders it when `changed` tells it to) of a query's rows, drawn by the caller's renderer (a single
 * value, a chart) or else as a table with the view's caption. Written by one sink writer
 * (`maxParallelism` 1), so the rows stay in the order the job emitted them.
 */
export abstract class LiveRowsView implements LiveView {
  readonly [LIVE_VIEW] = true as const;
  readonly maxParallelism = 1;
  readonly viewId = `sluice-view-${randomUUID()}`;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly columns: Column[],
    /** Draws the rows otherwise than as a table (a single value, a chart). */
    private readonly render: RenderRows | undefined,
  ) {}

  /** The rows as they stand. */
  abstract get rows(): Row[];

  /** The rows the table draws, and its caption. */
  protected abstract shown(): { rows: Row[]; caption: string };

  bundle(): Record<string, unknown> {
    if (this.render) return this.render(this.columns, this.rows);
    const { rows, caption } = this.shown();
    return textTableBundle(
      this.columns.map((c) => c.name),
      rows.map((r) => r.map((v, i) => display(v, this.columns[i]?.type))),
      { caption },
    );
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the host the rows changed. */
  protected changed(): void {
    for (const l of this.listeners) l();
  }

  /** Shown as itself when a cell ends with it (the kernel's display protocol). */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return this.bundle();
  }
}
