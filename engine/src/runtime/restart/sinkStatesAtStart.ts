import type { PlanNode } from "../../graph/JobPlan.js";
import type { Task } from "../buildTasks.js";

/**
 * Where a job's sinks started, for a restart that has no checkpoint to restore: sinks that roll back
 * on restore (collect, file sinks) are put back there, so the failed attempt's output is not kept
 * twice. Keyed by `uid#subtask`, which is the same in every attempt of a job.
 */
export type SinkStatesAtStart = ReadonlyMap<string, unknown>;

/** A job started from scratch: each sink subtask's state before it wrote anything. */
export function rememberSinkStates(tasks: readonly Task[], taskNodes: ReadonlyMap<Task, PlanNode>): SinkStatesAtStart {
  const states = new Map<string, unknown>();
  for (const [task, key] of sinkTasks(tasks, taskNodes)) states.set(key, task.operator.snapshotState?.());
  return states;
}

/** A restart from scratch: put each sink subtask back where the first attempt found it. */
export function restoreSinkStates(tasks: readonly Task[], taskNodes: ReadonlyMap<Task, PlanNode>, states: SinkStatesAtStart): void {
  for (const [task, key] of sinkTasks(tasks, taskNodes)) {
    const state = states.get(key);
    if (state !== undefined) task.operator.restoreState?.(state);
  }
}

function* sinkTasks(tasks: readonly Task[], taskNodes: ReadonlyMap<Task, PlanNode>) {
  for (const task of tasks) {
    const node = taskNodes.get(task)!;
    if (task.kind === "operator" && node.node.kind === "sink") yield [task, `${node.uid}#${task.ctx.subtask}`] as const;
  }
}
