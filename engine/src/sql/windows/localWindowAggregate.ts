import type { Operator, OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { AggregateFunction } from "../../windows/AggregateFunction.js";
import { windowStart } from "../../windows/TimeWindow.js";
import type { WindowAssigner } from "../../windows/WindowAssigner.js";
import type { Row } from "../connectors.js";

/**
 * A partial aggregate of one window and group, as the local phase sends it across the exchange:
 * `[window_start, window_end, key, accumulator]`, stamped window_end - 1 (the global phase assigns it
 * to the window its bounds name, `attachedWindows`).
 */
export type Partial = [number, number, unknown, unknown];

/** One window's partial accumulators, by group key. */
interface Pane {
  start: number;
  end: number;
  groups: Map<unknown, unknown>;
}

/**
 * Flink's LocalSlicingWindowAggOperator: the first phase of a two-phase window aggregate, in the input's
 * subtask before the keyed exchange. It folds its rows per (window, group) and sends one partial per
 * window and group instead of every row: nexmark q7's MAX(price) per TUMBLE window has one group, so at
 * parallelism 2 a subtask sends a row per window where it sent every bid. A window's partials go when
 * the watermark passes its end (before the watermark is forwarded, so they arrive first), and all of
 * them before a checkpoint barrier and at end of input: the operator keeps no state, as Flink's local
 * phase, and what it held is in the global phase's snapshot. It drops no late row: the global phase
 * decides lateness by its own watermark, as at parallelism 1 it decides for every row.
 */
export class LocalWindowAggregateOperator implements Operator<Row> {
  /** Panes by "start:end"; few at a time (the windows the watermark has not passed). */
  private readonly panes = new Map<string, Pane>();

  constructor(
    private readonly assigner: WindowAssigner,
    private readonly keyOf: (r: Row) => unknown,
    private readonly agg: AggregateFunction<Row, unknown, unknown>,
    private readonly ctx: OperatorContext<Partial>,
  ) {}

  processBatch(batch: RecordBatch<Row>): void {
    const { values, timestamps } = batch;
    const now = this.assigner.isEventTime ? 0 : this.ctx.clock.now();
    for (let i = 0; i < values.length; i++) {
      const row = values[i] as Row;
      const timestamp = timestamps[i] as number;
      try {
        const key = this.keyOf(row);
        // Never the rows of an upstream window aggregate (windowAggregate.ts plans one phase over those).
        const grid = this.assigner.aligned;
        if (grid !== undefined) {
          // TUMBLE/HOP: the windows as numbers, no window object or string per row.
          for (let start = windowStart(timestamp, grid.offset, grid.slide); start > timestamp - grid.size; start -= grid.slide) this.add(start, start + grid.size, key, row);
          continue;
        }
        for (const w of this.assigner.assignWindows(row, timestamp, now)) {
          const id = `${w.start}:${w.end}`;
          let pane = this.panes.get(id);
          if (pane === undefined) {
            pane = { start: w.start, end: w.end, groups: new Map() };
            this.panes.set(id, pane);
          }
          const groups = pane.groups;
          groups.set(key, this.agg.add(row, groups.has(key) ? groups.get(key) : this.agg.createAccumulator()));
        }
      } catch (cause) {
        this.ctx.userError(cause, row, timestamp);
      }
    }
  }

  /** Aligned panes, by start (one size per operator). */
  private readonly aligned = new Map<number, Pane>();
  /**
   * The pane the last row went to, out of the map: most rows go to the window of the one before, and a
   * window start (~1.7e12, not a small integer) as a Map key is a heap number hashed per lookup (as
   * WindowTopBounds' `end`). Cleared when a flush deletes panes, so a row after it makes a new pane.
   */
  private lastStart = Number.NaN;
  private lastPane: Pane | undefined = undefined;

  private add(start: number, end: number, key: unknown, row: Row): void {
    let pane = start === this.lastStart ? this.lastPane : this.aligned.get(start);
    if (pane === undefined) {
      pane = { start, end, groups: new Map() };
      this.aligned.set(start, pane);
    }
    this.lastStart = start;
    this.lastPane = pane;
    const groups = pane.groups;
    const acc = groups.get(key);
    if (acc === undefined && !groups.has(key)) {
      groups.set(key, this.agg.add(row, this.agg.createAccumulator()));
      return;
    }
    // Accumulators that fold in place return themselves: no Map write per row then.
    const next = this.agg.add(row, acc);
    if (next !== acc) groups.set(key, next);
  }

  /** Sends the partials of every window the watermark has passed (all windows: `watermark` +∞). */
  private flush(watermark: number): void {
    const out = this.ctx.output;
    this.lastStart = Number.NaN;
    this.lastPane = undefined;
    for (const panes of [this.panes, this.aligned] as Map<unknown, Pane>[])
      for (const [id, pane] of panes) {
        if (pane.end - 1 > watermark) continue;
        for (const [key, acc] of pane.groups) out.emit([pane.start, pane.end, key, acc], pane.end - 1);
        panes.delete(id);
      }
  }

  onWatermark(watermark: number): void {
    this.flush(watermark);
  }

  prepareSnapshotPreBarrier(): void {
    this.flush(Number.POSITIVE_INFINITY);
  }

  finish(): void {
    this.flush(Number.POSITIVE_INFINITY);
  }
}
