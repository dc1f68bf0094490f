import type { Collector, ProcessContext, ProcessFunction } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import { forEachRecord } from "./forEachRecord.js";
import type { Operator, OperatorContext } from "./Operator.js";

/** What a process function does with one record of one input. */
type Handler<O> = (value: unknown, ctx: ProcessContext, out: Collector<O>) => void;

/**
 * Runs process functions on every record of one or more (non-keyed) inputs: `handlers[input]` for
 * the records of input `input`, with the function's `open` and `close`.
 */
export class ProcessFunctionOperator<O> implements Operator<unknown> {
  private timestamp = Number.NaN;
  private readonly collector: Collector<O>;
  private readonly context: ProcessContext;

  constructor(
    private readonly fn: { open?(): void | Promise<void>; close?(): void | Promise<void> },
    private readonly handlers: readonly Handler<O>[],
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

  processBatch(batch: RecordBatch<unknown>, input = 0): void {
    const { values, timestamps } = batch;
    const handler = this.handlers[input]!;
    forEachRecord(
      values.length,
      (i) => {
        this.timestamp = timestamps[i]!;
        handler(values[i], this.context, this.collector);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!),
    );
  }

  close(): void | Promise<void> {
    return this.fn.close?.();
  }
}

/** Runs a `ProcessFunction` on every record of a (non-keyed) stream. */
export class ProcessOperator<I, O> extends ProcessFunctionOperator<O> {
  constructor(fn: ProcessFunction<I, O>, ctx: OperatorContext<O>) {
    super(fn, [(value, c, out) => fn.processElement(value as I, c, out)], ctx);
  }
}
