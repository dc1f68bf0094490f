import { CollectSink, LatestSink, callbackSink, consoleSink, forEachSink, type ConsoleSinkOptions } from "./MemorySinks.js";
import type { Sink } from "./Sink.js";
import { csvSink, jsonLinesSink, type CsvSinkOptions, type FileSinkOptions } from "./FileSinks.js";

/**
 * Ready-made sinks.
 *
 * @example
 * const out = sinks.collect<number>();                 // out.values fills while the job runs
 * stream.sinkTo(sinks.console({ prefix: "counts" }));  // one line per record
 * stream.sinkTo(sinks.callback(batch => chart.update(batch)));
 * stream.sinkTo(sinks.jsonLines("out.jsonl"));
 */
export const sinks = {
  collect: <T>(name?: string): CollectSink<T> => new CollectSink<T>(name),
  latest: <T>(keyOf: (value: T) => unknown, name?: string): LatestSink<T> => new LatestSink<T>(keyOf, name),
  console: <T>(options?: ConsoleSinkOptions<T>): Sink<T> => consoleSink<T>(options),
  callback: <T>(fn: (values: readonly T[], timestamps: readonly number[]) => void | Promise<void>, name?: string): Sink<T> => callbackSink(fn, name),
  forEach: <T>(fn: (value: T, timestamp: number) => void, name?: string): Sink<T> => forEachSink(fn, name),
  /** One JSON document per line. */
  jsonLines: <T>(path: string, options?: FileSinkOptions): Sink<T> => jsonLinesSink<T>(path, options),
  csv: <T>(path: string, options?: CsvSinkOptions<T>): Sink<T> => csvSink<T>(path, options),
};
