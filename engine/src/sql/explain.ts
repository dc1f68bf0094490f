import type { StreamEnvironment } from "../api/StreamEnvironment.js";
import { planLines } from "../graph/explainGraph.js";
import { graphSvg, planGraph } from "../graph/graphSvg.js";
import { buildPlan, type PlanNode } from "../graph/JobPlan.js";
import type { Column } from "./catalog.js";
import { formatType } from "./types.js";

/**
 * The operator graph a planned statement would run, as text (Flink's `EXPLAIN` prints its plans the
 * same way: one operator per line, inputs first). Takes the sinks declared on `env` without starting
 * them, so nothing runs and no job is registered. `columns`: the schema of what the sinks receive.
 */
export function explainPlan(env: StreamEnvironment, statement: string, columns: Column[]): { text: string; svg: string } {
  const plan = buildPlan("explain", env.graph, env.graph.takePendingSinks(), { parallelism: env.parallelism, errorPolicy: "fail" });
  return { text: planText(plan.nodes, statement, columns), svg: graphSvg(planGraph(plan.nodes)) };
}

function planText(nodes: readonly PlanNode[], statement: string, columns: Column[]): string {
  const schema = `(${columns.map((c) => `${c.name} ${formatType(c.type)}`).join(", ")})`;
  return ["== Statement ==", statement, "", "== Operator Graph ==", ...planLines(nodes, schema)].join("\n");
}
