import { SlotIndex } from "../collections/slotIndex.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { tuple4 } from "../windows/bulkTuple.js";
import { windowStart } from "../windows/TimeWindow.js";
import type { WindowAssigner } from "../windows/WindowAssigner.js";
import type { Operator, OperatorContext } from "./Operator.js";

/**
 * A partial aggregate of one window (or slice) and group, as the local phase sends it across the exchange:
 * `[start, end, key, accumulator]`, stamped end - 1. A window's partial names its window (the global phase
 * assigns it there, `attachedWindows`); a slice's partial lies in every window its slice does, so the
 * global phase assigns it with the query's own TUMBLE/HOP assigner.
 */
export type Partial = [number, number, unknown, unknown];

/**
 * One window's (or slice's) partial accumulators: group key → slot, the slot's key and accumulator in arrays, so a
 * row is one probe of the slot index (a scalar accumulator, a number, is replaced per row: a Map of them took a write too).
 */
interface Pane {
  start: number;
  end: number;
  slots: SlotIndex;
  keys: unknown[];
  accs: unknown[];
}

/**
 * The global phase's aggregate: each partial's accumulator merged into the window's. A literal, not
 * `{ ...agg, add }`: on Node 20's V8 the spread one made the worker's window code deopt ("wrong map" at
 * `add`/`merge`) and compile again in long jobs (bench/nexmark/windowDeopts.test.ts).
 */
export function mergingPartials<ACC, R>(agg: AggregateFunction<unknown, ACC, R>): AggregateFunction<Partial, ACC, R> {
  return { createAccumulator: agg.createAccumulator, add: (p, acc) => agg.merge(acc, p[3] as ACC), getResult: agg.getResult, merge: agg.merge };
}

/** `expected`: keys to make room for (the size of the pane made before: consecutive slices hold similar numbers of keys). */
const newPane = (start: number, end: number, expected: number): Pane => ({ start, end, slots: new SlotIndex(expected), keys: [], accs: [] });

/**
 * Flink's LocalSlicingWindowAggOperator: the first phase of a two-phase window aggregate, in the input's
 * subtask before the keyed exchange (SQL plans it, windowAggregate.ts; so does a DataStream window at
 * parallelism > 1, graph/preAggregation.ts). It folds its records per (window, key) and sends one partial per
 * window and key instead of every record: nexmark q7's MAX(price) per TUMBLE window has one group, so at
 * parallelism 2 a subtask sends a row per window where it sent every bid. A window's partials go when
 * the watermark passes its end (before the watermark is forwarded, so they arrive first), and all of
 * them before a checkpoint barrier and at end of input: the operator keeps no state, as Flink's local
 * phase, and what it held is in the global phase's snapshot. It drops no late record: the global phase
 * decides lateness by its own watermark, as at parallelism 1 it decides for every record. A record already
 * behind this subtask's watermark goes at the end of its batch, not at the next watermark: the global
 * phase's watermark (the lowest of its inputs') may pass it meanwhile, and one phase would have counted it.
 *
 * With `slice` (TUMBLE/HOP grouped by keys) it folds each row into the one slice of that length holding it
 * (the gcd of size and slide: every window is whole slices) and sends a partial per (slice, key), as Flink's
 * local phase sends `slice_end` partials: nexmark q5's HOP(10 s, 2 s) COUNT per auction adds a bid once, not
 * into five windows, and sends one row per auction and 2 s slice where one phase sent every bid.
 */
export class LocalWindowAggregateOperator<IN> implements Operator<IN> {
  /** Panes by "start:end"; few at a time (the windows the watermark has not passed). */
  private readonly panes = new Map<string, Pane>();

  constructor(
    private readonly assigner: WindowAssigner,
    private readonly keyOf: (r: IN) => unknown,
    private readonly agg: AggregateFunction<IN, unknown, unknown>,
    private readonly ctx: OperatorContext<Partial>,
    private readonly slice?: number,
  ) {}

  /** This subtask's watermark: a pane made behind it holds late records, sent at the end of the batch. */
  private watermark = Number.NEGATIVE_INFINITY;
  private lateHeld = false;

  processBatch(batch: RecordBatch<IN>): void {
    const { values, timestamps } = batch;
    // Never the rows of an upstream window aggregate (windowAggregate.ts plans one phase over those).
    const grid = this.assigner.aligned;
    if (grid !== undefined && this.slice !== undefined) this.foldSlices(values, timestamps, grid.offset, this.slice);
    else this.foldWindows(values, timestamps);
    if (this.lateHeld) {
      this.lateHeld = false;
      this.flush(this.watermark);
    }
  }

  private foldWindows(values: readonly IN[], timestamps: readonly number[]): void {
    const grid = this.assigner.aligned;
    const now = this.assigner.isEventTime ? 0 : this.ctx.clock.now();
    for (let i = 0; i < values.length; i++) {
      const row = values[i] as IN;
      const timestamp = timestamps[i] as number;
      try {
        const key = this.keyOf(row);
        if (grid !== undefined) {
          // TUMBLE/HOP: the windows as numbers, no window object or string per row.
          for (let start = windowStart(timestamp, grid.offset, grid.slide); start > timestamp - grid.size; start -= grid.slide) this.add(start, start + grid.size, key, row);
          continue;
        }
        for (const w of this.assigner.assignWindows(row, timestamp, now)) {
          const id = `${w.start}:${w.end}`;
          let pane = this.panes.get(id);
          if (pane === undefined) {
            pane = this.newPane(w.start, w.end, 0);
            this.panes.set(id, pane);
          }
          this.fold(pane, key, row);
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
  /** Keys of the last pane sent: a new aligned pane's slot index makes room for as many. */
  private lastSize = 0;

  /** Each row into its one slice (`slice` long, on the grid at `offset`). */
  private foldSlices(values: readonly IN[], timestamps: readonly number[], offset: number, slice: number): void {
    let pane = this.lastPane;
    for (let i = 0; i < values.length; i++) {
      const row = values[i] as IN;
      const timestamp = timestamps[i] as number;
      try {
        const key = this.keyOf(row);
        // Most rows fall in the slice of the row before: no pane lookup, and no float modulo (a call out of
        // optimised code for timestamps past 2^31 ms) in windowStart.
        if (pane === undefined || !(timestamp >= pane.start && timestamp < pane.end)) {
          const start = windowStart(timestamp, offset, slice);
          this.add(start, start + slice, key, row);
          pane = this.lastPane;
          continue;
        }
        this.fold(pane, key, row);
      } catch (cause) {
        this.ctx.userError(cause, row, timestamp);
      }
    }
  }

  private newPane(start: number, end: number, expected: number): Pane {
    if (end - 1 <= this.watermark) this.lateHeld = true;
    return newPane(start, end, expected);
  }

  private add(start: number, end: number, key: unknown, row: IN): void {
    let pane = start === this.lastStart ? this.lastPane : this.aligned.get(start);
    if (pane === undefined) {
      pane = this.newPane(start, end, this.lastSize);
      this.aligned.set(start, pane);
    }
    this.lastStart = start;
    this.lastPane = pane;
    this.fold(pane, key, row);
  }

  private fold(pane: Pane, key: unknown, row: IN): void {
    const slot = pane.slots.get(key);
    if (slot >= 0) {
      pane.accs[slot] = this.agg.add(row, pane.accs[slot]);
      return;
    }
    // The slot is made after `add` succeeds: a throwing add leaves no partial behind.
    const acc = this.agg.add(row, this.agg.createAccumulator());
    pane.slots.add(key);
    pane.keys.push(key);
    pane.accs.push(acc);
  }

  /** Sends the partials of every window the watermark has passed (all windows: `watermark` +∞). */
  private flush(watermark: number): void {
    const out = this.ctx.output;
    this.lastStart = Number.NaN;
    this.lastPane = undefined;
    for (const panes of [this.panes, this.aligned] as Map<unknown, Pane>[])
      for (const [id, pane] of panes) {
        if (pane.end - 1 > watermark) continue;
        const { keys, accs } = pane;
        for (let i = 0; i < keys.length; i++) out.emit(tuple4(pane.start, pane.end, keys[i], accs[i]) as Partial, pane.end - 1);
        this.lastSize = keys.length;
        panes.delete(id);
      }
  }

  onWatermark(watermark: number): void {
    this.watermark = watermark;
    this.flush(watermark);
  }

  prepareSnapshotPreBarrier(): void {
    this.flush(Number.POSITIVE_INFINITY);
  }

  finish(): void {
    this.flush(Number.POSITIVE_INFINITY);
  }
}
