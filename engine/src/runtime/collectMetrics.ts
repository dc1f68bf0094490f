import { planInputs, type JobPlan, type PlanNode } from "../graph/JobPlan.js";
import type { CheckpointStats, ConnectorNotice, JobMetrics, JobStatus, OperatorMetrics, SourceSubtaskWatermark } from "./JobMetrics.js";
import type { Task } from "./Task.js";
import { connectorNotice } from "./connectorNotices.js";
import { findWatermarkHold } from "./watermarkHold.js";

/** Sums the counters of every subtask per operator. Cheap: no allocation per record, one pass over tasks. */
export function collectMetrics(
  plan: JobPlan,
  tasks: readonly Task[],
  job: { status: JobStatus; startedAt: number; endedAt: number | undefined; deadLetters: number; checkpoints: CheckpointStats },
): JobMetrics {
  const operators: OperatorMetrics[] = [];
  let sinkWatermark = Number.POSITIVE_INFINITY;
  const sources = new Map<PlanNode, SourceSubtaskWatermark[]>();
  let now = Number.NaN;
  const connectors: ConnectorNotice[] = [];
  for (const node of plan.nodes) {
    const m: OperatorMetrics = {
      id: node.id,
      uid: node.uid,
      name: node.name,
      kind: node.node.kind,
      parallelism: node.parallelism,
      recordsIn: 0,
      recordsOut: 0,
      watermark: Number.POSITIVE_INFINITY,
      backlog: 0,
      lateRecordsDropped: 0,
      deadLetters: 0,
      busySubtasks: 0,
      finishedSubtasks: 0,
      backPressuredSubtasks: 0,
      inputs: planInputs(node),
      subtasks: [],
    };
    for (const task of tasks) {
      if (task.node !== node) continue;
      const t = task.metrics();
      m.recordsIn += t.recordsIn;
      m.recordsOut += t.recordsOut;
      m.watermark = Math.min(m.watermark, t.watermark);
      m.backlog += t.backlog;
      m.lateRecordsDropped += t.lateRecordsDropped;
      m.deadLetters += t.deadLetters;
      if (t.busy) m.busySubtasks++;
      if (t.finished) m.finishedSubtasks++;
      if (t.backPressured) m.backPressuredSubtasks++;
      m.subtasks.push({
        subtask: task.subtask,
        recordsIn: t.recordsIn,
        recordsOut: t.recordsOut,
        watermark: t.watermark,
        backlog: t.backlog,
        backPressured: t.backPressured,
        busy: t.busy,
        finished: t.finished,
      });
      if (t.source !== undefined) {
        (m.sourceWatermarks ??= []).push(t.source.watermark);
        if (!sources.has(node)) sources.set(node, m.sourceWatermarks);
        now = t.source.now;
      }
      const notice = t.connector && connectorNotice(node.name, task.subtask, t.connector);
      if (notice) connectors.push(notice);
    }
    if (node.node.kind === "sink") sinkWatermark = Math.min(sinkWatermark, m.watermark);
    operators.push(m);
  }
  const metrics: JobMetrics = {
    jobName: plan.jobName,
    status: job.status,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    watermark: sinkWatermark === Number.POSITIVE_INFINITY && job.status === "running" ? Number.NEGATIVE_INFINITY : sinkWatermark,
    deadLetters: job.deadLetters,
    checkpoints: job.checkpoints,
    operators,
    watermarkHold: job.status === "running" ? findWatermarkHold(plan, sources, now) : undefined,
  };
  return connectors.length > 0 ? { ...metrics, connectors } : metrics;
}
