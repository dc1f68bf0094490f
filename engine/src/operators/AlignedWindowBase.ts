import type { Collector } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import { normalizeKey, type NormalizedKey } from "../graph/keys.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { TimeWindow } from "../windows/TimeWindow.js";
import type { AlignedWindows } from "../windows/WindowAssigner.js";
import type { WindowContext } from "../windows/WindowFunction.js";
import type { OperatorContext } from "./Operator.js";
import type { WindowOperatorConfig } from "./WindowOperatorConfig.js";
import { forEachRecord } from "./forEachRecord.js";
import { missingTimestamp, noTime } from "./missingTimestamp.js";

/**
 * What the pane (`AlignedWindowOperator`) and slice (`SlicedWindowOperator`) operators share: the window
 * grid, the record loop up to the record's key, the route of a record too late for all its windows, and
 * the window context and collector of the current firing, read from fields set per firing (no context
 * object per firing). Results are emitted at the firing window's end - 1.
 */
export abstract class AlignedWindowBase<IN, ACC, R, OUT, K> {
  protected readonly aligned: AlignedWindows;
  protected readonly size: number;
  protected readonly slide: number;
  protected readonly offset: number;
  protected readonly lateness: number;
  protected readonly keySelector: (value: IN) => K;
  protected readonly aggregate: AggregateFunction<IN, ACC, R>;
  // Current key, window and firing for the window context.
  protected key: unknown;
  protected window = new TimeWindow(0, 0);
  protected firing = 0;
  protected firingLate = false;
  protected readonly windowCtx: WindowContext<K>;
  protected readonly collector: Collector<OUT>;

  constructor(
    protected readonly config: WindowOperatorConfig<IN, ACC, R, OUT, K>,
    protected readonly ctx: OperatorContext<OUT>,
  ) {
    const aligned = config.assigner.aligned;
    if (aligned === undefined) throw new TypeError(`${config.assigner.toString()} has no aligned windows`);
    this.aligned = aligned;
    this.size = aligned.size;
    this.slide = aligned.slide;
    this.offset = aligned.offset;
    this.lateness = config.allowedLateness;
    this.keySelector = config.keySelector;
    this.aggregate = config.aggregate;
    const self = this;
    this.windowCtx = {
      get key() {
        return self.key as K;
      },
      get window() {
        return self.window;
      },
      get firing() {
        return self.firing;
      },
      get late() {
        return self.firingLate;
      },
      currentWatermark: () => ctx.currentWatermark(),
      currentProcessingTime: () => ctx.clock.now(),
      output: <S>(tag: OutputTag<S>, value: S) => ctx.output.emitSide(tag, value, self.window.end - 1),
    };
    this.collector = { collect: (value: OUT) => ctx.output.emit(value, self.window.end - 1) };
  }

  processBatch(batch: RecordBatch<IN>): void {
    const { values, timestamps } = batch;
    forEachRecord(
      values.length,
      (i) => this.processElement(values[i]!, timestamps[i]!),
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!, this.key),
    );
  }

  private processElement(value: IN, timestamp: number): void {
    // No key for the error report until the key selector returned.
    this.key = undefined;
    const key = this.keySelector(value);
    const normKey = normalizeKey(key);
    this.key = key;
    if (noTime(timestamp)) {
      throw missingTimestamp(this.ctx, key, value);
    }
    this.addRecord(value, timestamp, key, normKey);
  }

  /** Puts a keyed, timestamped record in its windows (`this.key` is its key). */
  protected abstract addRecord(value: IN, timestamp: number, key: K, normKey: NormalizedKey): void;

  /** A record too late for every window it belongs to: to the late side output, else counted as dropped. */
  protected dropLate(value: IN, timestamp: number): void {
    const tag = this.config.lateDataTag;
    if (tag !== undefined) this.ctx.output.emitSide(tag, value, timestamp);
    else this.ctx.counters.lateRecordsDropped++;
  }

  nextProcessingTime(): number {
    return Number.POSITIVE_INFINITY;
  }
}
