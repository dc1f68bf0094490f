import type { Collector, ProcessContext } from "../api/functions.js";
import type { OperatorContext } from "./Operator.js";
import { ProcessFunctionOperator } from "./ProcessOperator.js";

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

/** Runs a `CoProcessFunction`: a process operator with one handler per input. */
export class CoProcessOperator<I1, I2, O> extends ProcessFunctionOperator<O> {
  constructor(fn: CoProcessFunction<I1, I2, O>, ctx: OperatorContext<O>) {
    super(fn, [(value, c, out) => fn.processElement1(value as I1, c, out), (value, c, out) => fn.processElement2(value as I2, c, out)], ctx);
  }
}
