import { CheckpointError } from "../errors/errors.js";
import type { JobPlan, PlanNode } from "../graph/JobPlan.js";
import type { Clock } from "../time/Clock.js";
import type { CheckpointData, CheckpointMetadata, SubtaskCheckpoint } from "./CheckpointData.js";
import type { FileCheckpointStorage } from "./CheckpointStorage.js";

/** What the coordinator needs to know of a running subtask. */
export interface CheckpointParticipant {
  readonly node: PlanNode;
  readonly subtask: number;
  /** Sources: inject a barrier at the next consistent point. */
  injectBarrier?(checkpointId: number): void;
  /** Already finished: acknowledge with the final state at once. */
  readonly finished: boolean;
  snapshotFinished(): SubtaskCheckpoint;
}

interface Pending {
  id: number;
  kind: "checkpoint" | "savepoint";
  savepointName: string | undefined;
  snapshots: Map<CheckpointParticipant, SubtaskCheckpoint>;
  resolve: (metadata: CheckpointMetadata) => void;
  reject: (error: Error) => void;
}

/**
 * Aligned-barrier checkpoints (Chandy–Lamport as in Flink): barriers are injected at every source,
 * flow with the data, and each subtask snapshots once a barrier arrived on all its inputs. When every
 * subtask has acknowledged, the checkpoint is complete and is written atomically to storage.
 * One checkpoint at a time; a trigger while one is running waits for it.
 */
export class CheckpointCoordinator {
  private nextId: number;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private participants: CheckpointParticipant[] = [];

  constructor(
    private readonly plan: JobPlan,
    private readonly storage: FileCheckpointStorage,
    private readonly clock: Clock,
    private readonly notify: () => void,
    firstId: number,
  ) {
    this.nextId = firstId;
  }

  register(participants: CheckpointParticipant[]): void {
    this.participants = participants;
  }

  get inProgress(): boolean {
    return this.pending !== undefined;
  }

  /** Id of the checkpoint currently being taken, if any. */
  get pendingId(): number | undefined {
    return this.pending?.id;
  }

  trigger(kind: "checkpoint" | "savepoint", savepointName?: string): Promise<CheckpointMetadata> {
    const run = this.queue.then(() => this.start(kind, savepointName));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private start(kind: "checkpoint" | "savepoint", savepointName: string | undefined): Promise<CheckpointMetadata> {
    return new Promise<CheckpointMetadata>((resolve, reject) => {
      const id = this.nextId++;
      this.pending = { id, kind, savepointName, snapshots: new Map(), resolve, reject };
      for (const p of this.participants) {
        if (p.finished) this.acknowledge(p, id, p.snapshotFinished());
        else p.injectBarrier?.(id);
      }
      this.notify();
    });
  }

  /** A subtask took its snapshot for checkpoint `id`. */
  acknowledge(participant: CheckpointParticipant, id: number, snapshot: SubtaskCheckpoint): void {
    const pending = this.pending;
    if (pending === undefined || pending.id !== id || pending.snapshots.has(participant)) return;
    pending.snapshots.set(participant, snapshot);
    if (pending.snapshots.size === this.participants.length) {
      this.pending = undefined;
      void this.complete(pending);
    }
  }

  /** The job ended (failed, cancelled, or finished) with a checkpoint in flight. */
  abort(reason: string): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new CheckpointError(`Checkpoint ${pending.id} of job '${this.plan.jobName}' was aborted: ${reason}`, { job: this.plan.jobName }));
  }

  private async complete(pending: Pending): Promise<void> {
    const data: CheckpointData = {
      version: 1,
      job: this.plan.jobName,
      id: pending.id,
      kind: pending.kind,
      completedAt: this.clock.now(),
      operators: this.plan.nodes.map((node) => ({
        uid: node.uid,
        name: node.name,
        kind: node.node.kind,
        parallelism: node.parallelism,
        maxParallelism: node.maxParallelism,
        subtasks: this.participants.filter((p) => p.node === node).sort((a, b) => a.subtask - b.subtask).map((p) => pending.snapshots.get(p)!),
      })),
    };
    try {
      const path = await this.storage.write(data, pending.savepointName);
      pending.resolve({ id: pending.id, kind: pending.kind, path, completedAt: data.completedAt });
    } catch (error) {
      pending.reject(new CheckpointError(`Writing checkpoint ${pending.id} failed: ${(error as Error).message}`, { job: this.plan.jobName }, { cause: error }));
    }
  }
}
