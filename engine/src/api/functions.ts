/**
 * Types of the functions users pass to the API. Plain functions are enough for stateless steps;
 * process functions are objects with optional lifecycle hooks.
 */
import type { OutputTag } from "./OutputTag.js";

/** Receives results of flatMap / process functions. */
export interface Collector<T> {
  collect(value: T): void;
}

export type MapFunction<T, R> = (value: T) => R;
export type FilterFunction<T> = (value: T) => boolean;
/** Either emit through `out` or return an iterable (array, generator) of results. */
export type FlatMapFunction<T, R> = (value: T, out: Collector<R>) => void | Iterable<R>;
/** Extracts the key: a string, number, boolean, bigint, Date, or an array/plain object of those. */
export type KeySelector<T, K> = (value: T) => K;
export type ReduceFunction<T> = (accumulated: T, value: T) => T;

/** Context of `ProcessFunction.processElement`. */
export interface ProcessContext {
  /** Event timestamp of the current record (NaN if it has none). */
  readonly timestamp: number;
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** Emit to a side output. */
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * A stateless per-record function with access to timestamps and side outputs.
 *
 * @example
 * stream.process({ processElement(v, ctx, out) { if (v.amount < 0) ctx.output(negatives, v); else out.collect(v); } })
 */
export interface ProcessFunction<I, O> {
  open?(): void | Promise<void>;
  processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
  close?(): void | Promise<void>;
}
