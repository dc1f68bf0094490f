import { CheckpointError } from "../errors/errors.js";
import type { JobPlan, PlanNode } from "../graph/JobPlan.js";
import type { Task } from "../runtime/JobRunner.js";
import type { CheckpointData } from "./CheckpointData.js";

/**
 * Puts checkpointed state into freshly built (not yet opened) tasks, matching operators by uid.
 * Keyed operators may change parallelism: every new subtask is offered all old subtasks' state and
 * keeps the key groups it owns. Sources and other stateful operators must keep their parallelism.
 */
export function restoreTasks(data: CheckpointData, plan: JobPlan, tasks: readonly Task[], taskNodes: ReadonlyMap<Task, PlanNode>, allowNonRestoredState: boolean): void {
  const matched = new Set<string>();
  for (const node of plan.nodes) {
    const saved = data.operators.find((o) => o.uid === node.uid);
    if (saved === undefined) continue;
    matched.add(saved.uid);
    const where = { job: plan.jobName, operator: node.name };
    // Committables do not pin the parallelism: after rescaling, subtask 0 recovers them all.
    const stateful = saved.subtasks.some((s) => s.state !== undefined || s.position !== undefined);
    if (stateful && saved.parallelism !== node.parallelism && (node.node.kind === "source" || !node.node.keyed)) {
      throw new CheckpointError(
        `Operator '${node.name}' (uid ${node.uid}) had parallelism ${saved.parallelism} in the checkpoint and ${node.parallelism} now; only keyed operators can be rescaled`,
        where,
      );
    }
    if (saved.maxParallelism !== node.maxParallelism && node.node.keyed) {
      throw new CheckpointError(`Operator '${node.name}' changed maxParallelism from ${saved.maxParallelism} to ${node.maxParallelism}; keyed state cannot be redistributed`, where);
    }
    for (const task of tasks) {
      if (taskNodes.get(task) !== node) continue;
      const own = saved.subtasks[task.ctx.subtask];
      if (task.kind === "source") {
        if (own !== undefined) task.restore(own, node.name);
      } else {
        task.restore(saved.parallelism === node.parallelism ? own : undefined, saved.subtasks, node.node.keyed);
      }
    }
  }
  const unmatched = data.operators.filter((o) => !matched.has(o.uid) && o.subtasks.some((s) => s.state !== undefined || s.position !== undefined || s.committable !== undefined));
  if (unmatched.length > 0 && !allowNonRestoredState) {
    throw new CheckpointError(
      `Checkpoint ${data.id} has state for operators this job does not have: ${unmatched.map((o) => `${o.name} (uid ${o.uid})`).join(", ")}. ` +
        "Give operators stable .uid(...)s, or pass allowNonRestoredState: true.",
      { job: plan.jobName },
    );
  }
}
