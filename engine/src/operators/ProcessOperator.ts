import type { Collector, ProcessContext, ProcessFunction } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { Operator, OperatorContext } from "./Operator.js";

/** Runs a `ProcessFunction` on every record of a (non-keyed) stream. */
export class ProcessOperator<I, O> implements Operator<I> {
  private timestamp = Number.NaN;
  private readonly collector: Collector<O>;
  private readonly context: ProcessContext;

  constructor(
    private readonly fn: ProcessFunction<I, O>,
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

  processBatch(batch: RecordBatch<I>): void {
    const { values, timestamps } = batch;
    const n = values.length;
    let i = 0;
    while (i < n) {
      try {
        for (; i < n; i++) {
          this.timestamp = timestamps[i]!;
          this.fn.processElement(values[i]!, this.context, this.collector);
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
