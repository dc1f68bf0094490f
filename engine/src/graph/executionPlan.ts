import { displayAs } from "../runtime/jobTables.js";
import { planLines } from "./explainGraph.js";
import { type GraphNode, graphSvg, planGraph } from "./graphSvg.js";
import type { JobPlan } from "./JobPlan.js";

/**
 * What `env.explain()` returns: the job `execute()` would start, as data, text and a picture. In a
 * notebook the value shows as the picture (with the text for plain-text front ends).
 */
export interface ExecutionPlan {
  jobName: string;
  operators: GraphNode[];
  /** One operator per line, inputs first (as `EXPLAIN` of a streaming SQL cell prints it). */
  text: string;
  svg: string;
}

export function executionPlan(plan: JobPlan): ExecutionPlan {
  const operators = planGraph(plan.nodes);
  const text = [`== Job ${plan.jobName} ==`, ...planLines(plan.nodes)].join("\n");
  const value: ExecutionPlan = { jobName: plan.jobName, operators, text, svg: graphSvg(operators) };
  return displayAs(value, (v) => ({ "text/plain": v.text, "image/svg+xml": v.svg }));
}
