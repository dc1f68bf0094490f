import type { FilterFunction, FlatMapFunction, MapFunction } from "../api/functions.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { Operator, OperatorContext } from "./Operator.js";
import { forEachRecord } from "./forEachRecord.js";
import { type FilterLoop, filterLoop, type MapLoop, mapLoop } from "./recordLoops.js";

/**
 * map / filter / flatMap. One loop per batch; a throwing record is reported through the error policy and
 * the loop resumes after it, so try/catch costs nothing per record.
 */
export class MapOperator<I, O> implements Operator<I> {
  /** This operator's own loop (see `recordLoops.ts`: a shared one made the call of `fn` megamorphic). */
  private readonly loop: MapLoop;

  constructor(
    private readonly fn: MapFunction<I, O>,
    private readonly ctx: OperatorContext<O>,
  ) {
    this.loop = mapLoop(fn);
  }

  processBatch(batch: RecordBatch<I>): void {
    const { values, timestamps } = batch;
    const n = values.length;
    const out: O[] = new Array<O>(n);
    const failures = this.loop(this.fn, values, out, (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!));
    if (failures === undefined) {
      this.ctx.output.emitBatch(out, timestamps);
    } else {
      const skip = new Set(failures);
      for (let j = 0; j < n; j++) if (!skip.has(j)) this.ctx.output.emit(out[j]!, timestamps[j]!);
    }
  }
}

export class FilterOperator<T> implements Operator<T> {
  /**
   * Positions of the kept records of the batch being filtered, reused from batch to batch: the output
   * arrays are then made at the size kept. Arrays sized for the whole batch and cut at the end made a
   * selective filter (Nexmark q2 keeps one bid in a thousand) allocate two batch-sized arrays per batch
   * for nothing, and the young generation filled that much sooner.
   */
  private kept = new Int32Array(0);
  /** This operator's own loop (see `recordLoops.ts`). */
  private readonly loop: FilterLoop;

  constructor(
    private readonly fn: FilterFunction<T>,
    private readonly ctx: OperatorContext<T>,
  ) {
    this.loop = filterLoop(fn);
  }

  processBatch(batch: RecordBatch<T>): void {
    const { values, timestamps } = batch;
    const n = values.length;
    if (this.kept.length < n) this.kept = new Int32Array(Math.max(n, 2 * this.kept.length));
    const positions = this.kept;
    const kept = this.loop(this.fn, values, positions, (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!));
    if (kept === n) {
      this.ctx.output.emitBatch(values, timestamps);
      return;
    }
    const keptValues = new Array<T>(kept);
    const keptTimestamps = new Array<number>(kept);
    for (let k = 0; k < kept; k++) {
      const at = positions[k]!;
      keptValues[k] = values[at]!;
      keptTimestamps[k] = timestamps[at]!;
    }
    this.ctx.output.emitBatch(keptValues, keptTimestamps);
  }
}

export class FlatMapOperator<I, O> implements Operator<I> {
  private timestamp = Number.NaN;
  private readonly collector = { collect: (value: O) => this.ctx.output.emit(value, this.timestamp) };

  constructor(
    private readonly fn: FlatMapFunction<I, O>,
    private readonly ctx: OperatorContext<O>,
  ) {}

  processBatch(batch: RecordBatch<I>): void {
    const { values, timestamps } = batch;
    forEachRecord(
      values.length,
      (i) => {
        this.timestamp = timestamps[i]!;
        const result = this.fn(values[i]!, this.collector);
        if (result !== undefined) for (const value of result) this.ctx.output.emit(value, this.timestamp);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!),
    );
  }
}

/** Forwards batches unchanged: union and the dead-letter stream. */
export class PassThroughOperator<T> implements Operator<T> {
  constructor(private readonly ctx: OperatorContext<T>) {}

  processBatch(batch: RecordBatch<T>): void {
    this.ctx.output.emitBatch(batch.values, batch.timestamps);
  }
}
