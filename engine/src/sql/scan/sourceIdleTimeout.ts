import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { flinkDuration } from "../flinkDuration.js";

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
