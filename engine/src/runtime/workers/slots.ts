import type { JobPlan, PlanNode } from "../../graph/JobPlan.js";
import type { Sink } from "../../sinks/Sink.js";
import type { NodeSignature } from "./protocol.js";

/** The main thread's location; workers are 1..workers. */
export const MAIN = 0;

const anyThread = new WeakSet<Sink<unknown>>();

/**
 * Marks a sink whose writers may run on any thread (nothing they touch lives on the main thread, and
 * a worker builds the same sink when it plans the job again): its subtasks stay on the workers, so
 * its records never cross to the main thread.
 */
export function runsOnAnyThread<S extends Sink<never>>(sink: S): S {
  anyThread.add(sink as unknown as Sink<unknown>);
  return sink;
}

/**
 * Flink's slot sharing: worker k runs subtask i of every operator for every i ≡ k-1 (mod workers),
 * so a forward edge stays inside a worker and only keyed and rebalance edges cross threads. Sinks
 * run on the main thread, where the notebook's views, charts and DuckDB live, unless marked
 * `runsOnAnyThread` (a blackhole).
 */
export function locationOf(node: PlanNode, subtask: number, workers: number): number {
  if (node.node.kind === "sink" && (node.node.sink === undefined || !anyThread.has(node.node.sink))) return MAIN;
  return 1 + (subtask % workers);
}

/** Names a subtask across threads: its node's index in the plan (the same on every thread) and its subtask. */
export function taskKey(plan: JobPlan, node: PlanNode, subtask: number): string {
  return `${plan.nodes.indexOf(node)}/${subtask}`;
}

/** Names a channel across threads: the plan's `edgeIndex`-th edge (as `buildTasks` numbers them), producer and consumer subtask. */
export function channelKey(edgeIndex: number, from: number, to: number): string {
  return `${edgeIndex}:${from}:${to}`;
}

/** What a worker compares after planning the job again (see `NodeSignature`). */
export function planSignature(plan: JobPlan): NodeSignature[] {
  return plan.nodes.map((n) => ({
    uid: n.uid,
    name: n.name,
    parallelism: n.parallelism,
    maxParallelism: n.maxParallelism,
    inputs: n.inputs.map((e) => `${plan.nodes.indexOf(e.from)}/${e.partitioning.kind}/${e.inputIndex}`).join(","),
  }));
}

/** The first difference between the main thread's plan and the worker's, or undefined. */
export function planDifference(expected: readonly NodeSignature[], actual: readonly NodeSignature[]): string | undefined {
  if (expected.length !== actual.length) return `${expected.length} operators on the main thread, ${actual.length} in the worker`;
  for (let i = 0; i < expected.length; i++) {
    const a = JSON.stringify(expected[i]);
    const b = JSON.stringify(actual[i]);
    if (a !== b) return `operator ${i}: ${a} on the main thread, ${b} in the worker`;
  }
  return undefined;
}
