import { DEAD_LETTERS, type OutputTag } from "../api/OutputTag.js";
import type { PlanEdge, PlanNode } from "./JobPlan.js";
import type { StreamNode } from "./StreamGraph.js";

/** The key of a partial `[start, end, key, accumulator]`: the global phase's input is partitioned by it. */
export const partialKey = (partial: readonly unknown[]): unknown => partial[2];

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/**
 * Splits each window aggregate that declared a `preAggregation` into its two phases where its keyed input
 * crosses subtasks (the input's or the window's parallelism > 1): a local phase chained to the input's
 * subtasks (forward, same parallelism), whose partials go by key to the window's subtasks, which run the
 * global phase. What Flink SQL plans for a window aggregate (LocalWindowAggregate → GlobalWindowAggregate);
 * a DataStream window gets it too, as only partials per key and slice then cross threads where one phase
 * sends every record (nexmark q5 at parallelism 2).
 *
 * The window's node keeps its id and uid: a savepoint taken at parallelism 1 (one phase) restores at 2 (two)
 * and back, the local phase holding no state. The local node takes the next id after the plan's (as `env.explain()`
 * shows it; a worker thread planning the job again numbers it the same) and is named for the window.
 */
export function splitWindowPhases(nodes: Map<number, PlanNode>, uniqueName: (declared: string) => string): void {
  let nextId = Math.max(0, ...nodes.keys()) + 1;
  for (const window of [...nodes.values()]) {
    const phases = window.node.preAggregation;
    const input = window.inputs[0];
    if (phases === undefined || input === undefined || window.inputs.length !== 1 || input.partitioning.kind !== "hash") continue;
    if (input.from.parallelism === 1 && window.parallelism === 1) continue;
    const declared: StreamNode = {
      id: nextId++,
      kind: "operator",
      name: "LocalWindowAggregate",
      uid: `${window.uid}.local`,
      parallelism: input.from.parallelism,
      maxParallelism: input.from.maxParallelism,
      errorPolicy: window.errorPolicy,
      inputs: [],
      keyed: false,
      createOperator: phases.local,
    };
    const local: PlanNode = {
      node: declared,
      id: declared.id,
      name: uniqueName(declared.name),
      uid: declared.uid as string,
      parallelism: input.from.parallelism,
      maxParallelism: input.from.maxParallelism,
      errorPolicy: window.errorPolicy,
      inputs: [],
      outputs: [],
    };
    const intoLocal: PlanEdge = { from: input.from, to: local, tag: input.tag, partitioning: { kind: "forward" }, inputIndex: 0 };
    const intoGlobal: PlanEdge = { from: local, to: window, tag: undefined, partitioning: { kind: "hash", keySelector: partialKey }, inputIndex: input.inputIndex };
    local.inputs.push(intoLocal);
    local.outputs.push(intoGlobal);
    const outputs = input.from.outputs;
    outputs[outputs.indexOf(input)] = intoLocal;
    window.inputs[0] = intoGlobal;
    (window as Mutable<PlanNode>).operator = phases.global;
    nodes.set(local.id, local);
    // A record the local phase rejects (its key selector or `add` threw, under the dead-letter policy) reaches
    // `env.deadLetters()` as the other operators' do.
    for (const letters of nodes.values()) {
      if (letters.node.kind !== "dead-letters" || !letters.inputs.some((e) => e.from === window)) continue;
      const edge: PlanEdge = { from: local, to: letters, tag: DEAD_LETTERS as OutputTag<unknown>, partitioning: { kind: "rebalance" }, inputIndex: 0 };
      local.outputs.push(edge);
      letters.inputs.push(edge);
    }
  }
}
