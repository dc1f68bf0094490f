import { withConnector } from "./connectorNotices.js";
import type { OperatorCheckpoint, SubtaskCheckpoint } from "../checkpoint/CheckpointData.js";
import { isPromiseLike, isTwoPhaseCommit } from "../checkpoint/TwoPhaseCommit.js";
import type { PlanNode } from "../graph/JobPlan.js";
import type { Operator } from "../operators/Operator.js";
import type { WatermarkOutput } from "../time/WatermarkGenerator.js";
import { MAX_WATERMARK } from "../time/Watermark.js";
import type { Channel } from "./Channel.js";
import type { OutputRouter } from "./OutputRouter.js";
import { ACTIVE, END, IDLE, type StreamElement } from "./StreamElement.js";
import { SinkCommitter } from "./SinkCommitter.js";
import { StatusWatermarkValve } from "./StatusWatermarkValve.js";
import type { SubtaskContext } from "./SubtaskContext.js";
import type { SubtaskMetrics, Task, TaskListener } from "./Task.js";

/** An input channel of the task, and its index in the task's `StatusWatermarkValve`. */
interface InputChannel {
  readonly channel: Channel;
  readonly inputIndex: number;
  readonly valveIndex: number;
  /** Its index in its input's own valve, where the operator takes each input's watermark (`onInputWatermark`). */
  readonly inputValve: { valve: StatusWatermarkValve; index: number } | undefined;
  /** End of input arrived (barrier alignment no longer waits for it). */
  ended: boolean;
}

/**
 * One subtask of a non-source operator: takes elements from its input channels one at a time,
 * combines watermarks, and drives the operator. Never runs while its outputs are full.
 */
export class OperatorTask implements Task {
  private readonly inputs: InputChannel[] = [];
  /** Combines the inputs' watermarks and idleness into `inputWatermark`. */
  private readonly valve = new StatusWatermarkValve({
    emitWatermark: (w) => this.advanceWatermark(w),
    // An operator that generates watermarks decides its own idleness.
    emitWatermarkStatus: (idle) => {
      this.operator.onWatermarkStatus?.(idle);
      if (this.operator.generatesWatermarks !== true) this.setIdle(idle);
    },
  });
  private next = 0;
  /** Watermark last forwarded downstream; never decreases. */
  watermark = Number.NEGATIVE_INFINITY;
  private idle = false;
  private busy = false;
  /** The operator's async call in flight (a sink's write or flush), while `busy`. */
  private inFlight: Promise<void> | undefined;
  private finishing = false;
  finished = false;
  recordsIn = 0;
  /** Checkpoint being aligned, and the inputs whose barrier arrived (blocked until alignment). */
  private aligning: number | undefined;
  private readonly barrierArrived = new Set<InputChannel>();
  /** Two-phase commit, when the operator takes part (a sink whose writer prepares commits). */
  private readonly committer: SinkCommitter | undefined;
  readonly ctx: SubtaskContext<unknown>;
  /** The operator `node` makes; its context's `watermarks` (for operators that generate them) go through this task. */
  readonly operator: Operator<unknown>;

  constructor(
    readonly node: PlanNode,
    newContext: (watermarks: WatermarkOutput) => SubtaskContext<unknown>,
    private readonly router: OutputRouter<unknown>,
    private readonly listener: TaskListener,
  ) {
    this.ctx = newContext({
      emitWatermark: (w) => this.emitWatermark(w),
      markIdle: () => this.setIdle(true),
      markActive: () => this.setIdle(false),
    });
    this.operator = (node.operator ?? node.node.createOperator)!(this.ctx);
    this.committer = isTwoPhaseCommit(this.operator) ? new SinkCommitter(this.operator, (error) => this.wake(error), this.ctx) : undefined;
  }

  get subtask(): number {
    return this.ctx.subtask;
  }

  get twoPhaseCommit(): boolean {
    return this.committer !== undefined;
  }

  get commitBeforePublish(): boolean {
    return isTwoPhaseCommit(this.operator) && this.operator.commitBeforeCheckpointPublished;
  }

  async open(): Promise<void> {
    await this.operator.open?.();
  }

  async close(): Promise<void> {
    await this.operator.close?.();
  }

  /** The runner stops calling it, and a call in flight is awaited (`settled`): the operator stops waiting for external systems. */
  cancel(): void {
    this.operator.cancel?.();
  }

  private wake(error?: unknown): void {
    this.listener.wake(error);
  }

  /** Counters for `job.metrics()`. */
  metrics(): SubtaskMetrics {
    return {
      recordsIn: this.recordsIn,
      recordsOut: this.router.recordsOut,
      watermark: this.watermark,
      backlog: this.backlog,
      lateRecordsDropped: this.ctx.counters.lateRecordsDropped,
      deadLetters: this.ctx.counters.deadLetters,
      busy: this.busy,
      finished: this.finished,
      backPressured: !this.finished && !this.router.hasRoom(),
      ...withConnector(this.operator.connectorStatus?.()),
    };
  }

  /** For a restart from scratch (`sinkStatesAtStart`): the operator's state before it ran. */
  operatorState(): unknown {
    return this.operator.snapshotState?.();
  }

  restoreOperatorState(state: unknown): void {
    this.operator.restoreState?.(state);
  }

  addInput(channel: Channel, inputIndex: number): void {
    this.inputs.push({ channel, inputIndex, valveIndex: this.valve.addChannel(), inputValve: this.inputValveOf(inputIndex), ended: false });
  }

  /** Per input index, a valve of that input's channels alone, for an operator that takes each input's watermark. */
  private readonly inputValves = new Map<number, StatusWatermarkValve>();

  private inputValveOf(inputIndex: number): InputChannel["inputValve"] {
    const operator = this.operator;
    if (operator.onInputWatermark === undefined) return undefined;
    let valve = this.inputValves.get(inputIndex);
    if (valve === undefined) {
      valve = new StatusWatermarkValve({ emitWatermark: (w) => operator.onInputWatermark?.(inputIndex, w), emitWatermarkStatus: () => {} });
      this.inputValves.set(inputIndex, valve);
    }
    return { valve, index: valve.addChannel() };
  }

  get backlog(): number {
    let n = 0;
    for (const input of this.inputs) n += input.channel.queuedRecords;
    return n;
  }

  /** Call once after open: a task without inputs (nothing fed it) is finished at once. */
  start(): void {
    if (this.inputs.length === 0) this.beginFinish();
  }

  canRun(): boolean {
    if (this.finished || this.busy || this.finishing || !this.router.hasRoom()) return false;
    for (const input of this.inputs) if (!input.channel.isEmpty && !this.barrierArrived.has(input)) return true;
    return false;
  }

  /** Processes one element from the next non-empty input (round-robin, so no input starves). */
  runOnce(): void {
    const n = this.inputs.length;
    for (let k = 0; k < n; k++) {
      const input = this.inputs[(this.next + k) % n]!;
      // Inputs that delivered the current barrier wait until every other input has delivered it too.
      if (this.barrierArrived.has(input)) continue;
      const element = input.channel.shift();
      if (element === undefined) continue;
      this.next = (this.next + k + 1) % n;
      this.handle(input, element);
      return;
    }
  }

  private handle(input: InputChannel, element: StreamElement): void {
    switch (element.kind) {
      case "records": {
        this.recordsIn += element.batch.values.length;
        const result = this.operator.processBatch(element.batch, input.inputIndex);
        if (result !== undefined) this.await(result, () => this.router.flush());
        else this.router.flush();
        return;
      }
      case "watermark":
        input.inputValve?.valve.inputWatermark(element.timestamp, input.inputValve.index);
        this.valve.inputWatermark(element.timestamp, input.valveIndex);
        return;
      case "status":
        input.inputValve?.valve.inputWatermarkStatus(element.idle, input.inputValve.index);
        this.valve.inputWatermarkStatus(element.idle, input.valveIndex);
        return;
      case "barrier":
        this.aligning = element.checkpointId;
        this.barrierArrived.add(input);
        this.checkAligned();
        return;
      case "end":
        input.ended = true;
        input.inputValve?.valve.endOfInput(input.inputValve.index);
        this.checkAligned();
        if (this.valve.endOfInput(input.valveIndex)) this.beginFinish();
        return;
    }
  }

  /** Every live input delivered the barrier: snapshot, acknowledge, pass the barrier on, unblock. */
  private checkAligned(): void {
    const id = this.aligning;
    if (id === undefined) return;
    for (const input of this.inputs) if (!input.ended && !this.barrierArrived.has(input)) return;
    this.aligning = undefined;
    this.barrierArrived.clear();
    this.operator.prepareSnapshotPreBarrier?.(id);
    const snapshot = this.preparedSnapshot(id);
    if (!isPromiseLike(snapshot)) {
      this.completeBarrier(id, snapshot);
      return;
    }
    // An async prepare holds this task, so no write slips in between.
    let prepared: SubtaskCheckpoint;
    this.await(
      snapshot.then((s) => void (prepared = s)),
      () => this.completeBarrier(id, prepared),
    );
  }

  private completeBarrier(id: number, snapshot: SubtaskCheckpoint): void {
    this.listener.acknowledge(id, snapshot);
    this.router.broadcast({ kind: "barrier", checkpointId: id });
  }

  /**
   * The snapshot for checkpoint `id`. A two-phase-commit operator first ends what it wrote since its
   * last checkpoint (phase one, as Flink's SinkWriter.prepareCommit), and the snapshot carries the
   * committable; it is taken once the prepare settled.
   */
  private preparedSnapshot(id: number): SubtaskCheckpoint | Promise<SubtaskCheckpoint> {
    if (this.committer === undefined) return this.snapshot();
    const committable = this.committer.prepare(id);
    const withCommittable = (c: unknown): SubtaskCheckpoint => {
      const snapshot = this.snapshot();
      if (c !== undefined) snapshot.committable = c;
      return snapshot;
    };
    return isPromiseLike(committable) ? Promise.resolve(committable).then(withCommittable) : withCommittable(committable);
  }

  /** Checkpoint `id` is durable: phase two. Resolves when done; a failure fails the job (through `wake`). */
  notifyComplete(id: number): Promise<void> | undefined {
    return this.committer?.notifyComplete(id);
  }

  /** Checkpoint `id` failed after this task may have prepared it. */
  notifyAborted(id: number): Promise<void> | undefined {
    return this.committer?.notifyAborted(id);
  }

  /** The job failed or was cancelled: drop uncommitted output (before close). */
  async abortUncommitted(): Promise<void> {
    await this.committer?.abortUncommitted();
  }

  /**
   * This task's part of checkpoint `id` after it finished. A two-phase-commit operator prepares what
   * it wrote since its last checkpoint (its tail after end of input), so the checkpoint carries it
   * and commits it on completion: end of input never commits on its own (FLIP-147).
   */
  snapshotFinished(id: number): SubtaskCheckpoint | Promise<SubtaskCheckpoint> {
    return this.preparedSnapshot(id);
  }

  /** Without checkpointing, end of input is the only commit point: prepare and commit the tail at once. */
  async commitAtEndOfInput(): Promise<void> {
    await this.committer?.commitAtEndOfInput();
  }

  snapshot(): SubtaskCheckpoint {
    const snapshot: SubtaskCheckpoint = { watermark: this.watermark, inputWatermark: this.inputWatermark, finished: this.finished };
    if (this.operator.snapshotState !== undefined) snapshot.state = this.operator.snapshotState();
    return snapshot;
  }

  /**
   * Called before open(). At the same parallelism each subtask restores its own snapshot; a keyed
   * operator (which may be rescaled) is offered every old subtask's state and keeps its key groups.
   */
  restore(saved: OperatorCheckpoint): void {
    const own = saved.parallelism === this.node.parallelism ? saved.subtasks[this.subtask] : undefined;
    const all = saved.subtasks;
    const keyed = this.node.node.keyed;
    const sources = keyed ? all : own !== undefined ? [own] : [];
    for (const s of sources) if (s.state !== undefined) this.operator.restoreState?.(s.state);
    if (isTwoPhaseCommit(this.operator)) {
      // Each subtask recovers its own committables; after rescaling, subtask 0 recovers all of them.
      const owners = own !== undefined ? [own] : this.ctx.subtask === 0 ? all : [];
      const committables = owners.map((s) => s.committable).filter((c) => c !== undefined);
      if (committables.length > 0) this.operator.setRecoveredCommittables(committables);
    }
    const base = own ?? all[0];
    if (base === undefined) return;
    // With rescaling, only the minimum watermark over the old subtasks is safe.
    this.watermark = Math.min(...(keyed ? all : [base]).map((s) => s.watermark));
    this.inputWatermark = Math.min(...(keyed ? all : [base]).map((s) => s.inputWatermark ?? Number.NEGATIVE_INFINITY));
    this.ctx.watermark = this.inputWatermark;
    this.valve.restore(this.inputWatermark);
    for (const valve of this.inputValves.values()) valve.restore(this.inputWatermark);
  }

  /** Combined input watermark; `watermark` is what this task last sent downstream. */
  private inputWatermark = Number.NEGATIVE_INFINITY;

  private advanceWatermark(watermark: number): void {
    this.inputWatermark = watermark;
    this.ctx.watermark = watermark;
    this.operator.onWatermark?.(watermark);
    if (this.operator.generatesWatermarks !== true || watermark === MAX_WATERMARK) this.emitWatermark(watermark);
  }

  private emitWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.setIdle(false);
    this.watermark = watermark;
    this.router.broadcast({ kind: "watermark", timestamp: watermark });
  }

  private setIdle(idle: boolean): void {
    if (this.idle === idle) return;
    this.idle = idle;
    this.router.broadcast(idle ? IDLE : ACTIVE);
  }

  /** Returns whether timers fired (so the scheduler knows it made progress). */
  fireTimers(now: number): boolean {
    if (this.finished || this.busy || this.operator.onProcessingTime === undefined) return false;
    if (!(this.operator.nextProcessingTime!() <= now)) return false;
    this.operator.onProcessingTime(now);
    this.router.flush();
    return true;
  }

  nextWakeUp(): number {
    if (this.finished || this.operator.nextProcessingTime === undefined) return Number.POSITIVE_INFINITY;
    return this.operator.nextProcessingTime();
  }

  private beginFinish(): void {
    this.finishing = true;
    // End of all inputs implies the final watermark, even if an upstream never sent it.
    if (this.inputWatermark < MAX_WATERMARK) this.advanceWatermark(MAX_WATERMARK);
    const result = this.operator.finish?.();
    const complete = () => {
      this.router.broadcast(END);
      this.finished = true;
    };
    if (result !== undefined) this.await(result, complete);
    else complete();
  }

  /**
   * Resolves once the operator has no async call in flight. The job awaits this before abort()
   * and close(): a writer is never closed under its own write (DuckDB crashed the process when a
   * connection closed under a running statement, on cancel during a write).
   */
  async settled(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
  }

  private await(promise: Promise<void>, then: () => void): void {
    this.busy = true;
    // Both handlers below catch what they call, so `tracked` never rejects.
    const tracked: Promise<void> = promise.then(
      () => {
        this.busy = false;
        try {
          then();
          this.wake();
        } catch (error) {
          this.wake(error);
        }
      },
      (error: unknown) => {
        this.busy = false;
        this.wake(error);
      },
    );
    this.inFlight = tracked;
    void tracked.then(() => {
      if (this.inFlight === tracked) this.inFlight = undefined;
    });
  }
}
