import type { PlanNode } from "./JobPlan.js";

/**
 * The operator graph as text, one operator per line with its inputs (Flink's `EXPLAIN` prints its
 * plans the same way). `sinkSuffix`: what follows a sink's line (the SQL schema it receives).
 */
export function planLines(nodes: readonly PlanNode[], sinkSuffix = ""): string[] {
  return nodes.map((n) => {
    const inputs = n.inputs.map((e) => `[${e.from.id}]${e.partitioning.kind === "forward" ? "" : ` ${e.partitioning.kind.toUpperCase()}`}${e.tag ? ` (side output ${e.tag.id})` : ""}`);
    const from = inputs.length > 0 ? ` <- ${inputs.join(", ")}` : "";
    const out = n.node.kind === "sink" && sinkSuffix ? ` ${sinkSuffix}` : "";
    return `[${n.id}] ${n.name}, parallelism=${n.parallelism}${from}${out}`;
  });
}
