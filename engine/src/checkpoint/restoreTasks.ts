import { CheckpointError } from "../errors/errors.js";
import type { Source } from "../connectors/Source.js";
import type { JobPlan, PlanNode } from "../graph/JobPlan.js";
import type { Task } from "../runtime/Task.js";
import type { CheckpointData, OperatorCheckpoint, SubtaskCheckpoint } from "./CheckpointData.js";

/**
 * Puts checkpointed state into freshly built (not yet opened) tasks, matching operators by uid.
 * Keyed operators may change parallelism: every new subtask is offered all old subtasks' state and
 * keeps the key groups it owns. Sources with `Source.mergePositions` may too: every new subtask is
 * restored from the merge of all old positions (see `rescaledSource`). Other stateful operators
 * must keep their parallelism.
 */
export function restoreTasks(data: CheckpointData, plan: JobPlan, tasks: readonly Task[], allowNonRestoredState: boolean): void {
  const matched = new Set<string>();
  for (const node of plan.nodes) {
    const saved = data.operators.find((o) => o.uid === node.uid);
    if (saved === undefined) continue;
    matched.add(saved.uid);
    const where = { job: plan.jobName, operator: node.name };
    const source = node.node.kind === "source" ? node.node.source?.source : undefined;
    if (isRescaled(saved, node) && (node.node.kind === "source" ? source?.mergePositions === undefined : !node.node.keyed)) {
      throw new CheckpointError(
        `Operator '${node.name}' (uid ${node.uid}) had parallelism ${saved.parallelism} in the checkpoint and ${node.parallelism} now; ` +
          "only keyed operators and sources that can merge their positions (Kafka, Nexmark) can be rescaled",
        where,
      );
    }
    if (saved.maxParallelism !== node.maxParallelism && node.node.keyed) {
      throw new CheckpointError(`Operator '${node.name}' changed maxParallelism from ${saved.maxParallelism} to ${node.maxParallelism}; keyed state cannot be redistributed`, where);
    }
    for (const task of tasks) if (task.node === node) task.restore(saved);
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

/** State saved at another parallelism than `node` has now. Committables do not pin the parallelism: after rescaling, subtask 0 recovers them all. */
export function isRescaled(saved: OperatorCheckpoint, node: PlanNode): boolean {
  const stateful = saved.subtasks.some((s) => s.state !== undefined || s.position !== undefined);
  return stateful && saved.parallelism !== node.parallelism;
}

/**
 * What each subtask of a source restored at another parallelism starts from: the merged position
 * decides what is left to read (finished subtasks' positions included: for Kafka, their end
 * offsets), and the watermark is the lowest of the old ones, so no record still to come from a
 * split can be late because another subtask was further ahead. If every old subtask had finished,
 * the new ones end at once, still holding the merged position for later checkpoints.
 */
export function rescaledSource(source: Source<unknown>, old: readonly SubtaskCheckpoint[], where: { job: string; operator: string }): SubtaskCheckpoint {
  const watermark = Math.min(...old.map((s) => s.watermark));
  const positions = old.flatMap((s) => (s.position === undefined ? [] : [s.position]));
  try {
    return { position: source.mergePositions!(positions), watermark, finished: old.every((s) => s.finished) };
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new CheckpointError(`Source '${where.operator}' could not merge the positions of its ${old.length} checkpointed subtasks: ${why}`, where, { cause });
  }
}
