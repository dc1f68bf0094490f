import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { WatermarkStrategy } from "../../time/WatermarkStrategy.js";
import type { TableEntry } from "../catalog.js";
import { durationMillis, flinkDuration } from "../flinkDuration.js";
import { SqlWatermarkAssigner } from "../watermarks.js";

/** Flink's option key (ExecutionConfigOptions.TABLE_EXEC_SOURCE_IDLE_TIMEOUT): 0, its default, never marks a source idle. */
export const SOURCE_IDLE_TIMEOUT = "table.exec.source.idle-timeout";

/** Read by the planner from the job's environment, as the mini-batch setting is (minibatch/miniBatchOptions.ts). */
const timeouts = new WeakMap<StreamEnvironment, number>();

/**
 * Processing-time ms without records after which a table's watermark generator marks its input
 * idle (one Kafka partition with the watermark pushed into the source), or undefined for never.
 */
export function sourceIdleTimeoutOf(env: StreamEnvironment): number | undefined {
  return timeouts.get(env);
}

export function configureSourceIdleTimeout(env: StreamEnvironment, options: ReadonlyMap<string, string>): void {
  const text = options.get(SOURCE_IDLE_TIMEOUT);
  const ms = text === undefined ? 0 : flinkDuration(text, undefined, SOURCE_IDLE_TIMEOUT);
  if (ms > 0) timeouts.set(env, ms);
  else timeouts.delete(env);
}

/**
 * The watermark strategy of a source that generates the table's watermark (`delay` of its WATERMARK),
 * per split, from the records' timestamps (their rowtimes): `scan.watermark.idle-timeout` (the table's
 * option), else the session's `table.exec.source.idle-timeout` (Flink's WatermarkParams), marks a
 * split idle after that long without records.
 */
export function sourceWatermarks<T>(env: StreamEnvironment, table: TableEntry, delay: number): WatermarkStrategy<T> {
  const own = table.options["scan.watermark.idle-timeout"];
  const idleTimeout = own === undefined ? sourceIdleTimeoutOf(env) : durationMillis(own) || undefined;
  const strategy = WatermarkStrategy.forGenerator<T>(() => new SqlWatermarkAssigner(delay));
  return idleTimeout === undefined ? strategy : strategy.withIdleness(idleTimeout);
}
