import type { StreamEnvironment } from "../api/StreamEnvironment.js";
import { buildPlan, type PlanNode } from "../graph/JobPlan.js";
import type { Column } from "./catalog.js";
import { formatType } from "./types.js";

/**
 * The operator graph a planned statement would run, as text (Flink's `EXPLAIN` prints its plans the
 * same way: one operator per line, inputs first). Takes the sinks declared on `env` without starting
 * them, so nothing runs and no job is registered. `columns`: the schema of what the sinks receive.
 */
export function explainPlan(env: StreamEnvironment, statement: string, columns: Column[]): string {
  const plan = buildPlan("explain", env.graph, env.graph.takePendingSinks(), { parallelism: env.parallelism, errorPolicy: "fail" });
  const schema = `(${columns.map((c) => `${c.name} ${formatType(c.type)}`).join(", ")})`;
  const line = (n: PlanNode): string => {
    const inputs = n.inputs.map((e) => `[${e.from.id}]${e.partitioning.kind === "forward" ? "" : ` ${e.partitioning.kind.toUpperCase()}`}`);
    const from = inputs.length > 0 ? ` <- ${inputs.join(", ")}` : "";
    const out = n.node.kind === "sink" ? ` ${schema}` : "";
    return `[${n.id}] ${n.name}, parallelism=${n.parallelism}${from}${out}`;
  };
  return ["== Statement ==", statement, "", "== Operator Graph ==", ...plan.nodes.map(line)].join("\n");
}
