import { DEAD_LETTERS, type OutputTag } from "../api/OutputTag.js";
import { PlanError } from "../errors/errors.js";
import type { ErrorPolicy, OperatorFactory } from "../operators/Operator.js";
import type { Sink } from "../sinks/Sink.js";
import { DEFAULT_MAX_PARALLELISM } from "./keys.js";
import { splitWindowPhases } from "./preAggregation.js";
import { checkWatermarks } from "./watermarkCheck.js";
import type { Partitioning, StreamGraph, StreamNode } from "./StreamGraph.js";

export interface PlanNode {
  readonly node: StreamNode;
  readonly id: number;
  /** Unique within the plan (see `uniqueName`); the declared name is `node.name`. */
  readonly name: string;
  readonly uid: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly errorPolicy: ErrorPolicy;
  readonly inputs: PlanEdge[];
  readonly outputs: PlanEdge[];
  /** The operator its subtasks run where not `node.createOperator`: a window's global phase (preAggregation.ts). */
  readonly operator?: OperatorFactory;
}

export interface PlanEdge {
  readonly from: PlanNode;
  readonly to: PlanNode;
  readonly tag: OutputTag<unknown> | undefined;
  readonly partitioning: Partitioning;
  readonly inputIndex: number;
}

/** A validated, immutable job: nodes in topological order with resolved parallelism and partitioning. */
export interface JobPlan {
  readonly jobName: string;
  readonly nodes: readonly PlanNode[];
  /** What may surprise but does not stop the job (e.g. windows that fire only at end of input); hosts show them. */
  readonly warnings: readonly string[];
}

export interface PlanDefaults {
  parallelism: number;
  maxParallelism?: number;
  errorPolicy: ErrorPolicy;
  /** Window aggregates in two phases where their keyed input crosses subtasks (default true; `env.disableWindowPreAggregation()`). */
  windowPreAggregation?: boolean;
}

/**
 * Builds the plan for the given sinks: they and everything upstream of them. Operators that lead to
 * no sink are not run (a notebook often leaves half-built streams around). Reports every problem
 * at once in one `PlanError`.
 */
/** The sinks a plan writes to, in plan order. */
export function planSinks(plan: JobPlan): Sink<unknown>[] {
  return plan.nodes.flatMap((n) => (n.node.sink ? [n.node.sink] : []));
}

/** True when every source of the plan is bounded, so its job ends by itself. */
export function planIsBounded(plan: JobPlan): boolean {
  return plan.nodes.every((n) => !n.node.source || n.node.source.source.bounded);
}

export function buildPlan(jobName: string, graph: StreamGraph, sinks: readonly StreamNode[], defaults: PlanDefaults): JobPlan {
  const problems: string[] = [];
  if (sinks.length === 0) problems.push("no sinks: add one with stream.sinkTo(...), .print() or .collect() before execute()");

  // Everything upstream of the sinks.
  const included = new Map<number, StreamNode>();
  const stack = [...sinks];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (included.has(node.id)) continue;
    included.set(node.id, node);
    for (const edge of node.inputs) stack.push(graph.get(edge.from));
  }

  // Dead-letter streams collect from every included node that is not downstream of them (no cycles).
  const deadLetterNodes = [...included.values()].filter((n) => n.kind === "dead-letters");
  const downstreamOfDeadLetters = new Set<number>();
  if (deadLetterNodes.length > 0) {
    let grew = true;
    for (const n of deadLetterNodes) downstreamOfDeadLetters.add(n.id);
    while (grew) {
      grew = false;
      for (const n of included.values()) {
        if (!downstreamOfDeadLetters.has(n.id) && n.inputs.some((e) => downstreamOfDeadLetters.has(e.from))) {
          downstreamOfDeadLetters.add(n.id);
          grew = true;
        }
      }
    }
  }
  const inputsOf = (node: StreamNode) => {
    if (node.kind !== "dead-letters") return node.inputs;
    return [...included.values()]
      .filter((n) => !downstreamOfDeadLetters.has(n.id) && n.kind !== "sink")
      .map((n) => ({ from: n.id, tag: DEAD_LETTERS as OutputTag<unknown>, partitioning: { kind: "rebalance" } as Partitioning, inputIndex: 0 }));
  };

  // Resolve per-node settings.
  const planNodes = new Map<number, PlanNode>();
  const uids = new Map<string, string>();
  const names = new Set<string>();
  for (const node of [...included.values()].sort((a, b) => a.id - b.id)) {
    const maxParallelism = node.maxParallelism ?? defaults.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
    let parallelism = node.parallelism ?? defaults.parallelism;
    if (node.kind === "dead-letters") parallelism = 1;
    if (node.parallelism === undefined && node.connectorMaxParallelism !== undefined) parallelism = Math.min(parallelism, node.connectorMaxParallelism);
    if (!Number.isInteger(parallelism) || parallelism < 1) problems.push(`'${node.name}': parallelism must be a positive integer, got ${parallelism}`);
    if (parallelism > maxParallelism) problems.push(`'${node.name}': parallelism ${parallelism} exceeds maxParallelism ${maxParallelism}`);
    if (node.connectorMaxParallelism !== undefined && parallelism > node.connectorMaxParallelism) {
      problems.push(`'${node.name}': this connector supports parallelism up to ${node.connectorMaxParallelism}, got ${parallelism}`);
    }
    const uid = node.uid ?? `${node.name}-${node.id}`;
    const clash = uids.get(uid);
    if (clash !== undefined) problems.push(`uid '${uid}' is used by both '${clash}' and '${node.name}'`);
    uids.set(uid, node.name);
    const name = uniqueName(node.name, names);
    planNodes.set(node.id, {
      node,
      id: node.id,
      name,
      uid,
      parallelism,
      maxParallelism,
      errorPolicy: node.errorPolicy ?? defaults.errorPolicy,
      inputs: [],
      outputs: [],
    });
  }

  for (const planNode of planNodes.values()) {
    const node = planNode.node;
    const inputs = inputsOf(node);
    if (node.kind === "source" && inputs.length > 0) problems.push(`'${node.name}': a source cannot have inputs`);
    if (node.kind !== "source" && node.kind !== "dead-letters" && inputs.length === 0) problems.push(`'${node.name}': has no input`);
    for (const edge of inputs) {
      const from = planNodes.get(edge.from);
      if (from === undefined) {
        problems.push(`'${node.name}': input ${edge.from} is not part of this job`);
        continue;
      }
      if (from.node.kind === "sink") problems.push(`'${node.name}': cannot read from sink '${from.name}'`);
      let partitioning = edge.partitioning;
      if (partitioning.kind === "forward" && from.parallelism !== planNode.parallelism) partitioning = { kind: "rebalance" };
      if (node.keyed && partitioning.kind !== "hash") problems.push(`'${node.name}': needs a keyed input; call keyBy() first`);
      const planEdge: PlanEdge = { from, to: planNode, tag: edge.tag, partitioning, inputIndex: edge.inputIndex };
      planNode.inputs.push(planEdge);
      from.outputs.push(planEdge);
    }
  }

  if (problems.length > 0) throw new PlanError(jobName, problems);
  if (defaults.windowPreAggregation !== false) splitWindowPhases(planNodes, (declared) => uniqueName(declared, names));
  const nodes = topologicalOrder([...planNodes.values()]);
  const warnings: string[] = [];
  checkWatermarks(nodes, problems, warnings);
  if (problems.length > 0) throw new PlanError(jobName, problems);
  return { jobName, nodes, warnings };
}

/**
 * Vertex names are unique within a job, so metrics, errors and checkpoints name one operator each:
 * the second `window.aggregate` in declaration order is `window.aggregate#2`, the third `#3`. Only
 * the name changes: the default uid stays `${declared name}-${id}`, so restore (by uid) is unaffected.
 */
function uniqueName(declared: string, taken: Set<string>): string {
  let name = declared;
  for (let n = 2; taken.has(name); n++) name = `${declared}#${n}`;
  taken.add(name);
  return name;
}

function topologicalOrder(nodes: PlanNode[]): PlanNode[] {
  const indegree = new Map<number, number>();
  for (const n of nodes) indegree.set(n.id, n.inputs.length);
  const ready = nodes.filter((n) => n.inputs.length === 0);
  const ordered: PlanNode[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a.id - b.id);
    const n = ready.shift()!;
    ordered.push(n);
    for (const edge of n.outputs) {
      const left = indegree.get(edge.to.id)! - 1;
      indegree.set(edge.to.id, left);
      if (left === 0) ready.push(edge.to);
    }
  }
  if (ordered.length !== nodes.length) throw new PlanError("(plan)", ["the job graph has a cycle"]);
  return ordered;
}

/** A node's inputs as plain data (metrics, pictures): the producer's id, the partitioning, the side output's tag. */
export function planInputs(node: PlanNode): { from: number; partitioning: Partitioning["kind"]; sideOutput?: string }[] {
  return node.inputs.map((e) => ({ from: e.from.id, partitioning: e.partitioning.kind, ...(e.tag ? { sideOutput: e.tag.id } : {}) }));
}
