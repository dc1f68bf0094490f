import { availableParallelism } from "node:os";
import type { JobPlan } from "../../graph/JobPlan.js";

/** The highest parallelism of a plan's operators (sinks left out: they stay on the main thread). */
export function highestParallelism(plan: JobPlan): number {
  return Math.max(1, ...plan.nodes.filter((n) => n.node.kind !== "sink").map((n) => n.parallelism));
}

/** How many worker threads a job placed on workers gets: its highest parallelism, at most the machine's cores. */
export function workerThreadCount(plan: JobPlan, workers?: number): number {
  return Math.max(1, Math.min(workers ?? availableParallelism(), highestParallelism(plan)));
}
