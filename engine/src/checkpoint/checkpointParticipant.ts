import type { PlanNode } from "../graph/JobPlan.js";
import type { Task } from "../runtime/JobRunner.js";
import type { CheckpointParticipant } from "./CheckpointCoordinator.js";
import { isTwoPhaseCommit } from "./TwoPhaseCommit.js";

/**
 * What the checkpoint coordinator sees of one running subtask: sources take barriers and hear of
 * completed checkpoints (their readers may commit offsets), two-phase-commit operators take part in
 * both phases; every task snapshots its final state once finished.
 */
export function checkpointParticipant(task: Task, node: PlanNode): CheckpointParticipant {
  return {
    node,
    subtask: task.ctx.subtask,
    get finished() {
      return task.finished;
    },
    snapshotFinished: (id: number) => task.snapshotFinished(id),
    ...(task.kind === "source" ? { injectBarrier: (id: number) => task.injectBarrier(id), notifyComplete: (id: number) => task.notifyCheckpointComplete(id) } : {}),
    ...(task.kind === "operator" && isTwoPhaseCommit(task.operator)
      ? {
          notifyComplete: (id: number) => task.notifyCheckpointComplete(id),
          notifyAborted: (id: number) => task.notifyCheckpointAborted(id),
          commitBeforePublish: task.operator.commitBeforeCheckpointPublished,
        }
      : {}),
  };
}
