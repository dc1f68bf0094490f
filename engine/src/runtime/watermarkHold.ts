import type { JobPlan, PlanNode } from "../graph/JobPlan.js";
import type { SourceSubtaskWatermark, WatermarkHold } from "./JobMetrics.js";

/** Processing-time ms a source's watermark must stand still before it is named as holding event time back. */
export const HOLD_AFTER_MS = 3_000;

/**
 * The source subtask that holds a running job's event time back, and why, for `job.metrics()`.
 * Among the source subtasks whose watermark reaches a sink (no `assignTimestampsAndWatermarks` on
 * the way) and that neither finished nor went idle, the one with the lowest watermark — if that has
 * stood still for `HOLD_AFTER_MS` (at once when it has no watermark strategy: it never advances).
 */
export function findWatermarkHold(plan: JobPlan, sources: ReadonlyMap<PlanNode, readonly SourceSubtaskWatermark[]>, now: number): WatermarkHold | undefined {
  const governing = sourcesReachingSinksDirectly(plan);
  let lowest: { node: PlanNode; info: SourceSubtaskWatermark } | undefined;
  for (const [node, infos] of sources) {
    if (!governing.has(node)) continue;
    for (const info of infos) {
      if (info.finished || info.idle) continue;
      if (lowest === undefined || info.watermark < lowest.info.watermark) lowest = { node, info };
    }
  }
  if (lowest === undefined) return undefined;
  const { node, info } = lowest;
  const at = { source: node.name, subtask: info.subtask, parallelism: node.parallelism };
  // A job with no event-time operator has no use for watermarks: a source without a strategy holds nothing back there.
  if (!info.hasStrategy) return plan.nodes.some((n) => n.node.needsWatermarks !== undefined) ? { ...at, reason: "no-strategy", watermark: info.watermark } : undefined;
  if (now - info.advancedAt < HOLD_AFTER_MS) return undefined;
  // A reader made of splits: the split with the lowest watermark among those not idle.
  let split: { split: string; watermark: number; lastEventAt?: number } | undefined;
  for (const s of info.splits ?? []) if (!s.idle && (split === undefined || s.watermark < split.watermark)) split = s;
  const lastRecordAt = split !== undefined ? split.lastEventAt : info.lastRecordAt;
  const where = split !== undefined ? { split: split.split } : {};
  const watermark = split !== undefined ? split.watermark : info.watermark;
  if (lastRecordAt === undefined || !Number.isFinite(lastRecordAt)) return { ...at, ...where, reason: "quiet", watermark };
  const quietFor = now - lastRecordAt;
  if (quietFor >= HOLD_AFTER_MS) return { ...at, ...where, reason: "quiet", watermark, quietFor };
  return { ...at, ...where, reason: "lagging", watermark };
}

/** Source nodes with a path to a sink that no `assignTimestampsAndWatermarks` interrupts (their watermark is the job's). */
function sourcesReachingSinksDirectly(plan: JobPlan): Set<PlanNode> {
  const reaches = new Set<PlanNode>();
  for (const node of [...plan.nodes].reverse()) {
    if (node.node.assignsWatermarks !== undefined) continue;
    if (node.node.kind === "sink" || node.outputs.some((e) => reaches.has(e.to))) reaches.add(node);
  }
  return new Set([...reaches].filter((n) => n.node.kind === "source"));
}
