import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { StreamSqlError } from "../errors.js";
import { flinkDuration } from "../flinkDuration.js";

/** Flink's option keys (ExecutionConfigOptions), so a script's SET lines run unchanged on Flink. */
export const MINI_BATCH_ENABLED = "table.exec.mini-batch.enabled";
export const MINI_BATCH_LATENCY = "table.exec.mini-batch.allow-latency";
export const MINI_BATCH_SIZE = "table.exec.mini-batch.size";

/** How long and how many input rows an updating aggregate buffers before it folds them, one update per key. */
export interface MiniBatchConfig {
  /** Processing-time ms the first buffered row may wait. */
  readonly latencyMs: number;
  /** Buffered input rows that end a batch. */
  readonly size: number;
}

/**
 * The planner reads a job's mini-batch setting from its environment: the session (and a worker
 * rebuilding the job) sets it before planning, and the aggregates' call sites need no new parameter.
 */
const configs = new WeakMap<StreamEnvironment, MiniBatchConfig>();

export function miniBatchOf(env: StreamEnvironment): MiniBatchConfig | undefined {
  return configs.get(env);
}

/**
 * Reads the SET options into `env`'s mini-batch setting: off unless `table.exec.mini-batch.enabled`
 * is 'true' (Flink's default); on, both allow-latency and size must be positive, as Flink requires.
 */
export function configureMiniBatch(env: StreamEnvironment, options: ReadonlyMap<string, string>): void {
  if (options.get(MINI_BATCH_ENABLED)?.trim().toLowerCase() !== "true") {
    configs.delete(env);
    return;
  }
  const latency = options.get(MINI_BATCH_LATENCY);
  const latencyMs = latency === undefined ? 0 : flinkDuration(latency, undefined, MINI_BATCH_LATENCY);
  if (!(latencyMs > 0)) throw new StreamSqlError("validation", `MiniBatch Latency must be greater than 0 ms ('${MINI_BATCH_LATENCY}' with '${MINI_BATCH_ENABLED}' = 'true')`, undefined, undefined);
  const sizeText = options.get(MINI_BATCH_SIZE);
  const size = sizeText === undefined ? -1 : Number(sizeText.trim());
  if (!Number.isInteger(size) || size <= 0)
    throw new StreamSqlError("validation", `'${MINI_BATCH_SIZE}' must be > 0 (with '${MINI_BATCH_ENABLED}' = 'true'), not '${sizeText ?? "-1"}'`, undefined, undefined);
  configs.set(env, { latencyMs, size });
}
