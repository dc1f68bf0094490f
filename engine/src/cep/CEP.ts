import type { DataStream } from "../api/DataStream.js";
import type { Collector } from "../api/functions.js";
import type { KeyedStream } from "../api/KeyedStream.js";
import type { OutputTag } from "../api/OutputTag.js";
import { compilePattern } from "./compiler.js";
import { CepOperator, type CepOptions, type PatternContext, type PatternProcessFunction } from "./CepOperator.js";
import type { Pattern } from "./Pattern.js";

/**
 * Entry point of complex event processing (Flink's CEP class).
 *
 * @example
 * const alerts = CEP.pattern(rides.keyBy((r) => r.rideId), pattern)
 *   .process({ processMatch: (m, ctx, out) => out.collect(m.get("start")![0]!) });
 */
export const CEP = {
  /** Matches `pattern` on each key of `input` separately. */
  pattern<T, K>(input: KeyedStream<T, K>, pattern: Pattern<T>): PatternStream<T, K> {
    // Fail at declaration, not at run time, on a malformed pattern.
    compilePattern(pattern);
    return new PatternStream(input, pattern, { timeDomain: "event-time", lateDataTag: undefined });
  },
};

/** A pattern applied to a keyed stream (Flink's PatternStream): say what to do with its matches. */
export class PatternStream<T, K> {
  /** @internal */
  constructor(
    private readonly input: KeyedStream<T, K>,
    private readonly pattern: Pattern<T>,
    private readonly options: CepOptions<T>,
  ) {}

  /** Match in processing time: each record enters the matcher when it arrives (default: event time). */
  inProcessingTime(): PatternStream<T, K> {
    return new PatternStream(this.input, this.pattern, { ...this.options, timeDomain: "processing-time" });
  }

  inEventTime(): PatternStream<T, K> {
    return new PatternStream(this.input, this.pattern, { ...this.options, timeDomain: "event-time" });
  }

  /** Event-time records at or behind the watermark go to `tag` instead of being dropped. */
  sideOutputLateData(tag: OutputTag<T>): PatternStream<T, K> {
    return new PatternStream(this.input, this.pattern, { ...this.options, lateDataTag: tag });
  }

  /** Calls `fn` for every match (and, with `processTimedOutMatch`, for every timed-out partial match). */
  process<R>(fn: PatternProcessFunction<T, R> | ((match: Map<string, T[]>, ctx: PatternContext, out: Collector<R>) => void)): DataStream<R> {
    const pf: PatternProcessFunction<T, R> = typeof fn === "function" ? { processMatch: fn } : fn;
    const { input, pattern, options } = this;
    const skip = pattern.getAfterMatchSkipStrategy();
    return input.input.transform<R>("cep", (ctx) => new CepOperator(pattern, skip, pf, input.keySelector, options, ctx), { keyed: true, partitioning: input.partitioning });
  }

  /**
   * One result per match. With a `timeoutTag` and `timeoutFn`, timed-out partial matches become
   * `timeoutFn(match, timeoutTimestamp)` on that side output (`result.getSideOutput(timeoutTag)`).
   */
  select<R>(selectFn: (match: Map<string, T[]>) => R): DataStream<R>;
  select<R, L>(timeoutTag: OutputTag<L>, timeoutFn: (match: Map<string, T[]>, timeoutTimestamp: number) => L, selectFn: (match: Map<string, T[]>) => R): DataStream<R>;
  select<R, L>(a: OutputTag<L> | ((match: Map<string, T[]>) => R), timeoutFn?: (match: Map<string, T[]>, timeoutTimestamp: number) => L, selectFn?: (match: Map<string, T[]>) => R): DataStream<R> {
    if (typeof a === "function") return this.process<R>((m, _ctx, out) => out.collect(a(m)));
    const tag = a;
    const select = selectFn!;
    const timeout = timeoutFn!;
    return this.process<R>({
      processMatch: (m, _ctx, out) => out.collect(select(m)),
      processTimedOutMatch: (m, ctx) => ctx.output(tag, timeout(m, ctx.timestamp())),
    });
  }
}
