import type { Collector, ProcessContext } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { Operator, OperatorContext } from "./Operator.js";

/**
 * Logic over two connected (non-keyed) streams; `processElement1` sees records of the first,
 * `processElement2` of the second. Watermarks are the minimum of both.
 */
export interface CoProcessFunction<I1, I2, O> {
  open?(): void | Promise<void>;
  processElement1(value: I1, ctx: ProcessContext, out: Collector<O>): void;
  processElement2(value: I2, ctx: ProcessContext, out: Collector<O>): void;
  close?(): void | Promise<void>;
}

export class CoProcessOperator<I1, I2, O> implements Operator<unknown> {
  private timestamp = Number.NaN;
  private readonly collector: Collector<O>;
  private readonly context: ProcessContext;

  constructor(
    private readonly fn: CoProcessFunction<I1, I2, O>,
    private readonly ctx: OperatorContext<O>,
  ) {
    const self = this;
    this.collector = { collect: (value: O) => ctx.output.emit(value, self.timestamp) };
    this.context = {
      get timestamp() {
        return self.timestamp;
      },
      currentWatermark: () => ctx.currentWatermark(),
      currentProcessingTime: () => ctx.clock.now(),
      output: <S>(tag: OutputTag<S>, value: S) => ctx.output.emitSide(tag, value, self.timestamp),
    };
  }

  open(): void | Promise<void> {
    return this.fn.open?.();
  }

  processBatch(batch: RecordBatch<unknown>, input: number): void {
    const { values, timestamps } = batch;
    const n = values.length;
    let i = 0;
    while (i < n) {
      try {
        for (; i < n; i++) {
          this.timestamp = timestamps[i]!;
          if (input === 0) this.fn.processElement1(values[i] as I1, this.context, this.collector);
          else this.fn.processElement2(values[i] as I2, this.context, this.collector);
        }
      } catch (cause) {
        this.ctx.userError(cause, values[i], timestamps[i]!);
        i++;
      }
    }
  }

  close(): void | Promise<void> {
    return this.fn.close?.();
  }
}
