import type { OperatorCheckpoint, SubtaskCheckpoint } from "../../checkpoint/CheckpointData.js";
import type { PlanNode } from "../../graph/JobPlan.js";
import type { SubtaskMetrics, Task, TaskListener } from "../Task.js";
import type { CallMessage, TaskOp } from "./protocol.js";

/** How a stand-in reaches its worker. */
export interface WorkerLink {
  /** A call whose result nobody waits for (its failure reaches the job through `listener.wake`). */
  post(task: string, op: TaskOp, args?: CallMessage["args"]): void;
  call(task: string, op: TaskOp, args?: CallMessage["args"]): Promise<unknown>;
  /** The stand-in's task closed: once all of a worker's have, the worker ends. */
  closed(task: RemoteTask): void;
}

const IDLE_METRICS: SubtaskMetrics = {
  recordsIn: 0,
  recordsOut: 0,
  watermark: Number.NEGATIVE_INFINITY,
  backlog: 0,
  lateRecordsDropped: 0,
  deadLetters: 0,
  busy: false,
  finished: false,
  backPressured: false,
};

/**
 * What stands on the main thread for a subtask running on a worker: the runner, the checkpoint
 * coordinator, a stop and `job.metrics()` drive it as any task, and each call becomes a message to
 * the worker. It never runs anything here (its worker schedules the subtask); it knows the
 * subtask's counters and whether it finished from what the worker last reported.
 */
export class RemoteTask implements Task {
  private last: SubtaskMetrics = IDLE_METRICS;
  /** No sink runs on a worker (see `slots.ts`), so nothing here commits in two phases. */
  readonly twoPhaseCommit = false;
  /** Its snapshots arrive as messages from the worker: copies already. */
  readonly snapshotsDetached = true;

  constructor(
    readonly node: PlanNode,
    readonly subtask: number,
    readonly key: string,
    private readonly link: WorkerLink,
    private readonly listener: TaskListener,
  ) {}

  get finished(): boolean {
    return this.last.finished;
  }

  /** What the worker reported; a subtask that just finished may complete a checkpoint or the job. */
  report(metrics: SubtaskMetrics): void {
    const finishedNow = metrics.finished && !this.last.finished;
    this.last = metrics;
    if (finishedNow) this.listener.wake();
  }

  wake(error?: unknown): void {
    this.listener.wake(error);
  }

  acknowledge(checkpointId: number, snapshot: SubtaskCheckpoint): void {
    this.listener.acknowledge(checkpointId, snapshot);
  }

  restore(saved: OperatorCheckpoint): void {
    this.link.post(this.key, "restore", [saved]);
  }

  async open(): Promise<void> {
    await this.link.call(this.key, "open");
  }

  start(): void {
    this.link.post(this.key, "start");
  }

  fireTimers(): boolean {
    return false;
  }

  canRun(): boolean {
    return false;
  }

  runOnce(): void {}

  nextWakeUp(): number {
    return Number.POSITIVE_INFINITY;
  }

  cancel(): void {
    this.link.post(this.key, "cancel");
  }

  async settled(): Promise<void> {
    await this.link.call(this.key, "settled");
  }

  async abortUncommitted(): Promise<void> {
    await this.link.call(this.key, "abortUncommitted");
  }

  async commitAtEndOfInput(): Promise<void> {
    await this.link.call(this.key, "commitAtEndOfInput");
  }

  async close(): Promise<void> {
    try {
      await this.link.call(this.key, "close");
    } finally {
      this.link.closed(this);
    }
  }

  metrics(): SubtaskMetrics {
    return this.last;
  }

  injectBarrier(checkpointId: number): void {
    this.link.post(this.key, "injectBarrier", [checkpointId]);
  }

  snapshotFinished(checkpointId: number): Promise<SubtaskCheckpoint> {
    return this.link.call(this.key, "snapshotFinished", [checkpointId]) as Promise<SubtaskCheckpoint>;
  }

  /** Sources tell their readers (Kafka commits offsets); nothing here waits for it, as `SourceTask` does not. */
  notifyComplete(checkpointId: number): undefined {
    this.link.post(this.key, "notifyComplete", [checkpointId]);
    return undefined;
  }

  notifyAborted(checkpointId: number): undefined {
    this.link.post(this.key, "notifyAborted", [checkpointId]);
    return undefined;
  }

  stop(drain: boolean): void {
    this.link.post(this.key, "stop", [drain]);
  }

  setStopBarrier(checkpointId: number): void {
    this.link.post(this.key, "setStopBarrier", [checkpointId]);
  }

  resume(): void {
    this.link.post(this.key, "resume");
  }
}
