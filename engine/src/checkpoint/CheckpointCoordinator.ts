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
  /**
   * Finished (bounded input done): it takes part in every later checkpoint with its final state,
   * as Flink's checkpoints after tasks finished (FLIP-147). A two-phase-commit sink prepares its
   * last output here, so the final checkpoint carries it and commits it when complete.
   */
  readonly finished: boolean;
  snapshotFinished(checkpointId: number): SubtaskCheckpoint | Promise<SubtaskCheckpoint>;
  /** Two-phase commit: the checkpoint is durable (phase two). Failures are the participant's to report. */
  notifyComplete?(checkpointId: number): Promise<void> | undefined;
  /** Two-phase commit: the checkpoint will never complete. */
  notifyAborted?(checkpointId: number): Promise<void> | undefined;
  /** Commit before the checkpoint file is published (see `SinkWriter.commitBeforeCheckpointPublished`). */
  readonly commitBeforePublish?: boolean;
  /** Its snapshots share nothing with live state (they crossed a thread as a message): no copy needed. */
  readonly snapshotsDetached?: boolean;
}

interface Pending {
  id: number;
  /** Cancels the expiry timer (see `checkpointTimeout`). */
  cancelTimeout: () => void;
  /** Lets `drain()` go on when the completion expired (it may never settle). */
  release?: () => void;
  /** Once all acknowledged: what completing it waits for (the file write, or each committer's phase two). */
  completing?: { stage: "writing" | "committing"; waitingFor: Set<CheckpointParticipant> };
  /** Set once the checkpoint file is published: from then on it is complete, whatever its commits do. */
  durablePath?: string;
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
  private participants: readonly CheckpointParticipant[] = [];
  /** Completion (write + commits) in flight, so the job can wait for it before closing sinks. */
  private completing: Promise<void> | undefined;
  private stopped = false;
  /** Finished participants whose (async) snapshot for the pending checkpoint is under way. */
  private readonly snapshotting = new Set<CheckpointParticipant>();

  constructor(
    private readonly plan: JobPlan,
    private readonly storage: FileCheckpointStorage,
    private readonly clock: Clock,
    private readonly notify: () => void,
    firstId: number,
    /** A checkpoint not complete this long after it started fails (Flink's `execution.checkpointing.timeout`). */
    private readonly timeout: number = 600_000,
  ) {
    this.nextId = firstId;
  }

  register(participants: readonly CheckpointParticipant[]): void {
    this.participants = participants;
  }

  get inProgress(): boolean {
    return this.pending !== undefined;
  }

  /** `onStart` gets the checkpoint's id before any barrier is injected (a stop marks its last barrier). */
  trigger(kind: "checkpoint" | "savepoint", savepointName?: string, onStart?: (id: number) => void): Promise<CheckpointMetadata> {
    const run = this.queue.then(() => this.start(kind, savepointName, onStart));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private start(kind: "checkpoint" | "savepoint", savepointName: string | undefined, onStart: ((id: number) => void) | undefined): Promise<CheckpointMetadata> {
    return new Promise<CheckpointMetadata>((resolve, reject) => {
      if (this.stopped) {
        reject(new CheckpointError(`Job '${this.plan.jobName}' ended before the checkpoint started`, { job: this.plan.jobName }));
        return;
      }
      const id = this.nextId++;
      onStart?.(id);
      const pending: Pending = { id, kind, savepointName, snapshots: new Map(), resolve, reject, cancelTimeout: () => undefined };
      pending.cancelTimeout = this.clock.wakeAt(this.clock.now() + this.timeout, () => this.expire(pending));
      this.pending = pending;
      this.snapshotting.clear();
      for (const p of this.participants) if (!p.finished) p.injectBarrier?.(id);
      this.acknowledgeFinished();
      this.notify();
    });
  }

  /**
   * Acknowledges, for the pending checkpoint, every participant that has finished without having
   * acknowledged it. The runner calls this whenever tasks may have finished: an operator that was
   * still flushing when the checkpoint started gets no barrier (its inputs ended), so without this
   * the checkpoint would wait for it forever.
   */
  acknowledgeFinished(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    for (const p of this.participants) {
      if (!p.finished || pending.snapshots.has(p) || this.snapshotting.has(p)) continue;
      let snapshot: SubtaskCheckpoint | Promise<SubtaskCheckpoint>;
      try {
        snapshot = p.snapshotFinished(pending.id);
      } catch (error) {
        this.failPending(pending, error);
        return;
      }
      if (!(snapshot instanceof Promise)) {
        this.acknowledge(p, pending.id, snapshot);
        continue;
      }
      this.snapshotting.add(p);
      snapshot.then(
        (s) => {
          this.snapshotting.delete(p);
          // The checkpoint failed or was aborted meanwhile: what this participant prepared for it
          // is not committed as such (the notifications above did not reach it).
          if (this.pending !== pending)
            void p.notifyAborted?.(pending.id)?.catch(() => undefined); // reported by the participant
          else this.acknowledge(p, pending.id, s);
        },
        (error: unknown) => this.failPending(pending, error),
      );
    }
  }

  /**
   * The checkpoint did not complete in time: something it waits for (a barrier stuck behind a write
   * that never settles, a snapshot, a commit) makes no progress. It fails naming what it waited for,
   * so the job can fail over rather than sit silent; a stuck completion no longer blocks the next.
   */
  private expire(pending: Pending): void {
    const describe = (ps: Iterable<CheckpointParticipant>) => [...ps].map((p) => `${p.node.name} (subtask ${p.subtask})`).join(", ");
    const base = `Checkpoint ${pending.id} of job '${this.plan.jobName}' expired after ${this.timeout} ms`;
    if (this.pending === pending) {
      const waiting = this.participants.filter((p) => !pending.snapshots.has(p));
      this.failPending(pending, undefined, `${base} before all operators acknowledged it; waiting for ${describe(waiting)}`, waiting[0], true);
      return;
    }
    const completing = pending.completing;
    if (completing === undefined) return; // completed, or failed otherwise
    pending.completing = undefined;
    pending.release?.();
    const what = completing.stage === "writing" ? "writing the checkpoint file" : `the commit of ${describe(completing.waitingFor)}`;
    const first = [...completing.waitingFor][0];
    const error = new CheckpointError(`${base}: ${what} never settled`, { job: this.plan.jobName, ...(first ? { operator: first.node.name, subtask: first.subtask } : {}) });
    error.expired = true;
    // Published but its commits are stuck: a restart restores it (and its sinks commit it again, idempotently).
    if (pending.durablePath !== undefined) error.durable = { id: pending.id, path: pending.durablePath };
    pending.reject(error);
    this.notify();
  }

  /** A finished participant could not snapshot (e.g. a sink's prepare failed): the checkpoint fails. */
  private failPending(pending: Pending, error: unknown, message?: string, culprit?: CheckpointParticipant, expired = false): void {
    if (this.pending !== pending) return;
    pending.cancelTimeout();
    this.pending = undefined;
    this.snapshotting.clear();
    void this.notifyAborted(pending);
    const context = { job: this.plan.jobName, ...(culprit ? { operator: culprit.node.name, subtask: culprit.subtask } : {}) };
    const failure = new CheckpointError(message ?? `Checkpoint ${pending.id} of job '${this.plan.jobName}' failed: ${(error as Error).message}`, context, { cause: error });
    failure.expired = expired;
    pending.reject(failure);
    this.notify();
  }

  /** A subtask took its snapshot for checkpoint `id`. */
  acknowledge(participant: CheckpointParticipant, id: number, snapshot: SubtaskCheckpoint): void {
    const pending = this.pending;
    if (pending === undefined || pending.id !== id || pending.snapshots.has(participant)) return;
    // The file is written once every subtask acknowledged, after an await: until then this subtask
    // goes on processing, and a function that changes its state objects in place (Flink's heap backend
    // allows it) would carry records after the barrier into this checkpoint. So it keeps a copy.
    let kept: SubtaskCheckpoint;
    try {
      kept = participant.snapshotsDetached === true ? snapshot : structuredClone(snapshot);
    } catch (error) {
      const what = `${participant.node.name} (subtask ${participant.subtask})`;
      this.failPending(pending, error, `Checkpoint ${id} of job '${this.plan.jobName}': the state of ${what} cannot be checkpointed: ${(error as Error).message}`, participant);
      return;
    }
    pending.snapshots.set(participant, kept);
    if (pending.snapshots.size === this.participants.length) {
      this.pending = undefined;
      pending.completing = { stage: "writing", waitingFor: new Set() };
      const released = new Promise<void>((resolve) => (pending.release = resolve));
      const completing = Promise.race([this.complete(pending), released]);
      this.completing = completing;
      void completing.finally(() => {
        pending.cancelTimeout();
        pending.completing = undefined;
        if (this.completing === completing) this.completing = undefined;
      });
    }
  }

  /** Resolves once a checkpoint being written (and its commits) has settled. */
  async drain(): Promise<void> {
    while (this.completing !== undefined) await this.completing;
  }

  /** The job ended (failed, cancelled, or finished) with a checkpoint in flight. */
  abort(reason: string): void {
    this.stopped = true;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    pending.cancelTimeout();
    this.notifyAborted(pending);
    pending.reject(new CheckpointError(`Checkpoint ${pending.id} of job '${this.plan.jobName}' was aborted: ${reason}`, { job: this.plan.jobName }));
  }

  /** Tells the participants that prepared checkpoint `pending` that it will never complete. */
  private notifyAborted(pending: Pending): Promise<unknown> {
    const calls: Promise<void>[] = [];
    for (const p of pending.snapshots.keys()) {
      const call = p.notifyAborted?.(pending.id);
      if (call !== undefined) calls.push(call);
    }
    return Promise.allSettled(calls);
  }

  /**
   * Phase two for `participants`. Each failure also fails the job (the participant reports it);
   * `strict` makes this reject too, so a checkpoint whose early commits failed is not published.
   */
  private async commit(pending: Pending, participants: readonly CheckpointParticipant[], strict: boolean): Promise<void> {
    const id = pending.id;
    const waiting = new Set<CheckpointParticipant>();
    if (pending.completing !== undefined) pending.completing = { stage: "committing", waitingFor: waiting };
    const calls = participants.map((p) => {
      const call = p.notifyComplete?.(id);
      if (call === undefined) return call;
      waiting.add(p);
      return call.finally(() => waiting.delete(p));
    });
    if (strict) await Promise.all(calls);
    else await Promise.allSettled(calls);
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
        subtasks: this.participants
          .filter((p) => p.node === node)
          .sort((a, b) => a.subtask - b.subtask)
          .map((p) => pending.snapshots.get(p)!),
      })),
    };
    const committers = this.participants.filter((p) => p.notifyComplete !== undefined);
    const early = committers.filter((p) => p.commitBeforePublish === true);
    const late = committers.filter((p) => p.commitBeforePublish !== true);
    let path: string;
    let bytes: number;
    try {
      ({ path, bytes } = await this.storage.write(data, pending.savepointName, early.length > 0 ? () => this.commit(pending, early, true) : undefined));
    } catch (error) {
      // Never commit for a failed checkpoint: its prepared output waits for the next one.
      await this.notifyAborted(pending);
      pending.reject(new CheckpointError(`Writing checkpoint ${pending.id} failed: ${(error as Error).message}`, { job: this.plan.jobName }, { cause: error }));
      return;
    }
    // The checkpoint is durable: phase two. The next checkpoint starts only after this settled.
    pending.durablePath = path;
    await this.commit(pending, late, false);
    pending.resolve({ id: pending.id, kind: pending.kind, path, completedAt: data.completedAt, bytes });
  }
}
