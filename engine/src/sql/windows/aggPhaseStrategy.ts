import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { StreamSqlError } from "../errors.js";

/** Flink's option key (OptimizerConfigOptions), so a script's SET line runs unchanged on Flink. */
export const AGG_PHASE_STRATEGY = "table.optimizer.agg-phase-strategy";

/**
 * When a window aggregate runs in two phases (local partials before the exchange, a global phase after) at
 * parallelism > 1. `TWO_PHASE` and `AUTO` (the default;
 * Flink decides by cost and plans nexmark q5 so): wherever its aggregates merge over TUMBLE/HOP, as Flink's
 * TwoStageOptimizedWindowAggregateRule plans it (q5's COUNT per auction: partials per key and slice).
 * `ONE_PHASE`: never.
 */
export type AggPhaseStrategy = "AUTO" | "ONE_PHASE" | "TWO_PHASE";

const strategies = new WeakMap<StreamEnvironment, AggPhaseStrategy>();

export function aggPhaseStrategyOf(env: StreamEnvironment): AggPhaseStrategy {
  return strategies.get(env) ?? "AUTO";
}

/** Reads the SET option into `env` (the session, and a worker rebuilding the job, set it before planning). */
export function configureAggPhaseStrategy(env: StreamEnvironment, options: ReadonlyMap<string, string>): void {
  const text = options.get(AGG_PHASE_STRATEGY);
  const value = text?.trim().toUpperCase();
  if (value === undefined || value === "AUTO") {
    strategies.delete(env);
    return;
  }
  if (value !== "ONE_PHASE" && value !== "TWO_PHASE")
    throw new StreamSqlError("validation", `Could not parse value '${text}' for key '${AGG_PHASE_STRATEGY}' (AUTO, ONE_PHASE or TWO_PHASE)`, undefined, text);
  strategies.set(env, value);
}
