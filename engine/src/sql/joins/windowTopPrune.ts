import type { Operator, OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import { windowStart } from "../../windows/TimeWindow.js";
import type { CalcGateState } from "../calc/calc.js";
import type { Row } from "../connectors.js";

export interface WindowTopPruneSpec {
  /** The aggregated column (the join key) and the rowtime of a row of the joined stream. */
  value: number;
  time: number;
  /** The window aggregate the rows are joined with: MAX or MIN of `value` per TUMBLE(size, offset) of `time`. */
  kind: "MAX" | "MIN";
  size: number;
  offset: number;
  /** A row meets a window's row only if `time - window_end` lies in [lower, upper] (ms, both inclusive). */
  lower: number;
  upper: number;
}

/** The most windows a row's time range may span for the prune to be planned (planWindowTopPrune.ts falls back past it). */
export const MAX_WINDOWS_PER_ROW = 4;

/**
 * Drops the rows of a stream joined on `value = <its window's MAX(value)>` (or MIN) that can equal no
 * window's aggregate: per window, the best value among rows the window aggregate surely counted so far
 * bounds the aggregate from below (MAX; from above for MIN), so a row worse than it in every window its
 * time range meets cannot match. Ties and rows of equal or better value stay (the join checks them), so
 * the join downstream gives the same rows; it only stores fewer.
 *
 * "Surely counted": the aggregate drops a row whose window has fired (watermark >= window_end - 1 when
 * the row comes), and its watermark for that row is never ahead of this operator's, which reads the same
 * scan through forward edges only (planWindowTopPrune.ts checks that) — an exchange on the aggregate's
 * side only holds a watermark back. A row late here may still be counted there: it raises no bound, and
 * is kept unless a counted row beats it. Where the aggregate reads this operator's rows (planWindowTopPrune.ts
 * `window`), a row that raised a bound is kept and reaches it before any later watermark: counted there.
 *
 * At parallelism above 1 the aggregate's watermark is the minimum over every scan subtask's, still never
 * ahead of this subtask's for its rows — unless this subtask's stream went idle: the aggregate's watermark
 * then moves on with the other subtasks', and does not go back when this one comes back behind it, so its
 * rows may be late there and on time here. From then on no row raises a bound (`stopRaising`); the bounds
 * already raised came from rows counted before and stay.
 *
 * The bounds are a cache, not state: lost on restore, or evicted once no row on time can meet their
 * window, they only let more rows through.
 */
export class WindowTopBounds {
  /** Window end → the best value among rows the aggregate surely counts in that window; `end`'s is in `endBest` instead. */
  private readonly best = new Map<number, number | bigint>();
  /**
   * The bound of the window the last row came in, out of the map: most rows come in the window of the one
   * before, and a window end (about 1.7e12, not a small integer) as a Map key is a heap number allocated
   * per lookup — two a row, 28 of SQL q7's 372 MB per 1,000,000 events.
   */
  private end = Number.NaN;
  private endBest: number | bigint | undefined = undefined;
  /** The window the last time looked up is in, [windowFrom, windowTo). */
  private windowFrom = Number.NaN;
  private windowTo = Number.NaN;
  private sweptAt = Number.NEGATIVE_INFINITY;
  private raising = true;

  constructor(private readonly spec: WindowTopPruneSpec) {}

  /** Whether `row`, coming at `watermark`, may still equal a window's aggregate. */
  keep(row: Row, watermark: number): boolean {
    return this.keepValue(row[this.spec.value], row[this.spec.time] as number, watermark);
  }

  /** Whether a row of value `value` and time `t`, coming at `watermark`, may still equal a window's aggregate. */
  keepValue(value: unknown, t: number, watermark: number): boolean {
    const { size, lower, upper } = this.spec;
    const max = this.spec.kind === "MAX";
    const v = value as number | bigint | null;
    // NULL equals nothing (and MAX/MIN skip it).
    if (v === null || v === undefined) return false;
    const own = this.endOf(t);
    if (this.raising && own - 1 > watermark) {
      if (own !== this.end) this.load(own);
      const b = this.endBest;
      if (b === undefined || (max ? v > b : v < b)) this.endBest = v;
    }
    if (watermark > this.sweptAt && watermark >= this.sweptAt + size) this.sweep(watermark);
    // The window ends the row may meet: e with lower <= t - e <= upper, aligned to the tumble.
    for (let e = this.endOf(t - upper - 1); e <= t - lower; e += size) {
      const b = e === this.end ? this.endBest : this.best.get(e);
      // Kept while some window's bound does not beat it (NaN beats nothing: kept).
      if (b === undefined || !(max ? b > v : b < v)) return true;
    }
    return false;
  }

  /**
   * The end of the window `t` is in. The last one is kept: a time's window costs a floating-point remainder (a
   * call out of the generated code, the most of this operator's time per row with two a row), and most rows
   * come in the window of the one before.
   */
  private endOf(t: number): number {
    if (t >= this.windowFrom && t < this.windowTo) return this.windowTo;
    const { offset, size } = this.spec;
    this.windowFrom = windowStart(t, offset, size);
    this.windowTo = this.windowFrom + size;
    return this.windowTo;
  }

  /** Moves the cached window's bound back to the map and `end`'s out of it. */
  private load(end: number): void {
    if (this.endBest !== undefined) this.best.set(this.end, this.endBest);
    this.end = end;
    this.endBest = this.best.get(end);
    this.best.delete(end);
  }

  /** A row on time (t > watermark) meets only window ends past watermark - upper: the others' bounds go. */
  private sweep(watermark: number): void {
    this.sweptAt = watermark;
    const gone = watermark - this.spec.upper;
    for (const e of this.best.keys()) if (e <= gone) this.best.delete(e);
    if (this.end <= gone) {
      this.end = Number.NaN;
      this.endBest = undefined;
    }
  }

  /** No row raises a bound from now on: the aggregate may no longer count a row this watermark calls on time. */
  stopRaising(): void {
    this.raising = false;
  }
}

/**
 * The prune inside the Calc that makes the rows (calc.ts CalcGate): a row it drops is never made — nexmark q7's
 * bid view made a 7-column row of every bid for the prune to drop nearly all of them.
 */
export class WindowTopGate implements CalcGateState {
  private readonly bounds: WindowTopBounds;
  private watermark = Number.NEGATIVE_INFINITY;

  constructor(
    spec: WindowTopPruneSpec,
    private readonly ctx: OperatorContext<Row>,
  ) {
    this.bounds = new WindowTopBounds(spec);
  }

  begin(): void {
    this.watermark = this.ctx.currentWatermark();
  }

  keep(value: unknown, time: number): boolean {
    return this.bounds.keepValue(value, time, this.watermark);
  }

  onWatermarkStatus(idle: boolean): void {
    // As WindowTopPruneOperator's.
    if (idle && this.ctx.parallelism > 1) this.bounds.stopRaising();
  }
}

/** The prune as an operator: a batch's rows (one watermark for all of them) checked in one loop, the kept ones sent on. */
export class WindowTopPruneOperator implements Operator<Row> {
  private readonly bounds: WindowTopBounds;

  constructor(
    spec: WindowTopPruneSpec,
    private readonly ctx: OperatorContext<Row>,
  ) {
    this.bounds = new WindowTopBounds(spec);
  }

  onWatermarkStatus(idle: boolean): void {
    // One scan subtask feeds the aggregate alone at parallelism 1: its watermark there is this one, idle or not.
    if (idle && this.ctx.parallelism > 1) this.bounds.stopRaising();
  }

  processBatch(batch: RecordBatch<Row>): void {
    const { values, timestamps } = batch;
    const watermark = this.ctx.currentWatermark();
    const output = this.ctx.output;
    for (let i = 0; i < values.length; i++) {
      const row = values[i] as Row;
      if (this.bounds.keep(row, watermark)) output.emit(row, timestamps[i] as number);
    }
  }
}
