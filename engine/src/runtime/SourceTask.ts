import { withConnector } from "./connectorNotices.js";
import type { OperatorCheckpoint, SubtaskCheckpoint } from "../checkpoint/CheckpointData.js";
import { isRescaled, rescaledSource } from "../checkpoint/restoreTasks.js";
import type { PlanNode } from "../graph/JobPlan.js";
import { CheckpointError } from "../errors/errors.js";
import type { SourcePoll, SourceReader } from "../connectors/Source.js";
import type { WatermarkGenerator } from "../time/WatermarkGenerator.js";
import type { SourceSubtaskWatermark } from "./JobMetrics.js";
import type { TimestampAssigner } from "../time/WatermarkStrategy.js";
import type { OutputRouter } from "./OutputRouter.js";
import { ACTIVE, END, IDLE } from "./StreamElement.js";
import type { SubtaskContext } from "./SubtaskContext.js";
import type { SubtaskMetrics, Task, TaskListener } from "./Task.js";
import { type EventTimeOutput, TimestampsAndWatermarks } from "./TimestampsAndWatermarks.js";

/** How long to wait before polling again when a reader returns nothing and gives no hint. */
const EMPTY_POLL_BACKOFF_MS = 10;

/**
 * One subtask of a source: polls the reader for a batch whenever its outputs have room and emits
 * it, timestamped and with watermarks (`TimestampsAndWatermarks`; periodic ones also while it
 * waits for data). Injects checkpoint barriers between polls, snapshots the reader's position, and
 * stops for a stop-with-savepoint.
 */
export class SourceTask implements Task {
  private pending = false;
  private ready: SourcePoll<unknown> | undefined;
  private retryAt = Number.NEGATIVE_INFINITY;
  finished = false;
  recordsIn = 0;
  /** Checkpoint whose barrier waits to be injected at the next consistent point (between polls). */
  private barrier: number | undefined;
  private endAfterRestore = false;
  /**
   * Restored as finished: the checkpointed position, carried into every later checkpoint as is (the
   * reader never ran, so it knows none), so a restore at another parallelism can still merge it.
   */
  private finishedPosition: { position: unknown } | undefined;
  /** Readers with `notifyCheckpointComplete`: the position snapshotted per checkpoint still in flight. */
  private readonly positionsInFlight = new Map<number, unknown>();
  /**
   * Stop-with-savepoint (`JobRunner.stop`): no new polls or watermarks. Without drain, the task stops
   * once the barrier of checkpoint `barrier` went out; with drain it finishes (as at end of input).
   */
  private stopping: { drain: boolean; barrier: number | undefined } | undefined;
  /** The stop barrier went out: nothing more is emitted (a poll that settles now is held, not emitted). */
  stopped = false;

  /**
   * With checkpointing on, while a poll is in flight (its promise pending, or its result not yet
   * emitted): the reader's position from before that poll. A barrier going out meanwhile records
   * this one, so a reader may advance its own position anywhere inside `poll`.
   */
  private positionBeforePoll: { position: unknown } | undefined;
  /** The job was cancelled: what a poll throws from now on is a consequence (its reader is being closed). */
  private cancelled = false;
  readonly twoPhaseCommit = false;

  private readonly eventTime: TimestampsAndWatermarks;

  /**
   * `newGenerator` creates the strategy's generator: once, or once per split of a reader with
   * `splits()`. With `tracksPositions` (checkpointing on) the reader's position is taken before each poll.
   */
  constructor(
    readonly node: PlanNode,
    readonly ctx: SubtaskContext<unknown>,
    private readonly reader: SourceReader<unknown>,
    newGenerator: (() => WatermarkGenerator<unknown>) | undefined,
    assigner: TimestampAssigner<unknown> | undefined,
    private readonly router: OutputRouter<unknown>,
    private readonly batchSize: number,
    periodicInterval: number,
    private readonly tracksPositions: boolean,
    private readonly listener: TaskListener,
  ) {
    const output: EventTimeOutput = {
      emitBatch: (values, timestamps) => router.emitBatch(values, timestamps),
      emitWatermark: (w) => {
        ctx.watermark = w;
        router.broadcast({ kind: "watermark", timestamp: w });
      },
      markIdle: () => router.broadcast(IDLE),
      markActive: () => router.broadcast(ACTIVE),
    };
    const splits = reader.splits === undefined ? undefined : () => reader.splits!();
    this.eventTime = new TimestampsAndWatermarks(ctx, newGenerator, assigner, output, periodicInterval, splits);
  }

  get subtask(): number {
    return this.ctx.subtask;
  }

  get watermark(): number {
    return this.eventTime.watermark;
  }

  async open(): Promise<void> {
    await this.reader.open?.();
  }

  start(): void {}

  async close(): Promise<void> {
    await this.reader.close?.();
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** A poll in flight is not waited for: its result would be dropped, and its reader is closed under it. */
  settled(): Promise<void> {
    return Promise.resolve();
  }

  abortUncommitted(): Promise<void> {
    return Promise.resolve();
  }

  commitAtEndOfInput(): Promise<void> {
    return Promise.resolve();
  }

  notifyAborted(): undefined {
    return undefined;
  }

  /** Async work settled. What a poll throws after cancel or stop is a consequence (its reader is being closed; its records would be dropped), not a failure: Flink, too, ignores what a cancelled source throws. */
  private wake(error?: unknown): void {
    const consequence = this.cancelled || this.stopped || this.finished;
    this.listener.wake(consequence ? undefined : error);
  }

  metrics(): SubtaskMetrics {
    return {
      recordsIn: this.recordsIn,
      recordsOut: this.router.recordsOut,
      watermark: this.watermark,
      backlog: 0,
      lateRecordsDropped: this.ctx.counters.lateRecordsDropped,
      deadLetters: this.ctx.counters.deadLetters,
      busy: this.pending,
      finished: this.finished,
      backPressured: !this.finished && !this.router.hasRoom(),
      source: { watermark: this.watermarkInfo(), now: this.ctx.clock.now() },
      ...withConnector(this.reader.connectorStatus?.()),
    };
  }

  canRun(now: number): boolean {
    if (this.finished || this.stopped) return false;
    // A barrier may go out while a poll is in flight: nothing of that poll has been emitted yet,
    // and the barrier records the position from before it.
    if (this.barrier !== undefined) return true;
    if (this.stopping !== undefined) {
      // A completed poll is emitted before the stop barrier (the position then covers it).
      if (this.ready !== undefined) return this.router.hasRoom();
      return this.stopping.drain;
    }
    if (this.pending) return false;
    if (!this.router.hasRoom()) return false;
    return this.ready !== undefined || now >= this.retryAt;
  }

  /** Earliest processing time at which this source wants to run again without being woken (a poll's retry, or periodic watermarks). */
  nextWakeUp(): number {
    if (this.finished || this.stopping !== undefined) return Number.POSITIVE_INFINITY;
    let at = this.eventTime.nextPeriodicEmit();
    if (!this.pending && this.ready === undefined && this.retryAt < at) at = this.retryAt;
    return at;
  }

  injectBarrier(checkpointId: number): void {
    this.barrier = checkpointId;
  }

  /**
   * Stop-with-savepoint: poll no more (a poll already completed is still emitted). With `drain`, then
   * finish (final watermark and end, as at end of input; a poll in flight is dropped). Without, stop
   * once the barrier named by `setStopBarrier` went out, emitting nothing after it.
   */
  stop(drain: boolean): void {
    this.stopping = { drain, barrier: undefined };
  }

  /** The checkpoint whose barrier is this task's last element (a stop without drain). */
  setStopBarrier(checkpointId: number): void {
    if (this.stopping !== undefined) this.stopping.barrier = checkpointId;
  }

  /** The stop's savepoint failed: go on as before (a poll that settled meanwhile is emitted now). */
  resume(): void {
    this.stopping = undefined;
    this.stopped = false;
  }

  /** State for a checkpoint: the reader's position after everything emitted so far, and nothing more. */
  snapshot(): SubtaskCheckpoint {
    const kept = this.finishedPosition ?? this.positionBeforePoll;
    const position = kept !== undefined ? kept.position : this.reader.snapshotPosition?.();
    return { position, watermark: this.watermark, finished: this.finished };
  }

  /** This task's part of checkpoint `id` after it finished: its final position (then also committed by the reader's hook). */
  snapshotFinished(id: number): SubtaskCheckpoint {
    return this.snapshotFor(id);
  }

  /** The snapshot for checkpoint `id`, its position kept for the reader's completion hook. */
  private snapshotFor(id: number): SubtaskCheckpoint {
    const snapshot = this.snapshot();
    if (this.reader.notifyCheckpointComplete !== undefined) this.positionsInFlight.set(id, snapshot.position);
    return snapshot;
  }

  /** Checkpoint `id` is durable: tell the reader which of its positions it holds. */
  notifyComplete(id: number): undefined {
    const position = this.positionsInFlight.get(id);
    // Older checkpoints in flight were aborted or are subsumed by this one.
    for (const k of this.positionsInFlight.keys()) if (k <= id) this.positionsInFlight.delete(k);
    if (position === undefined) return undefined;
    try {
      this.reader.notifyCheckpointComplete?.(id, position);
    } catch (error) {
      // The hook must report its own failures; one that throws instead is a bug that fails the job
      // (here, not inside the checkpoint's completion, which must go on for the other participants).
      this.wake(error);
    }
    return undefined;
  }

  /**
   * Called before open(). Restored at another parallelism (a source that merges positions, see
   * `rescaledSource`), every subtask starts from the merge of all old positions.
   */
  restore(saved: OperatorCheckpoint): void {
    const sourceName = this.node.name;
    const where = { job: this.ctx.jobName, operator: sourceName };
    // Merged per subtask: a reader may keep the restored object, and must not see another's edits.
    const snapshot = isRescaled(saved, this.node) ? rescaledSource(this.node.node.source!.source, saved.subtasks, where) : saved.subtasks[this.subtask];
    if (snapshot === undefined) return;
    if (snapshot.finished) {
      this.endAfterRestore = true;
      this.finishedPosition = { position: snapshot.position };
    } else if (snapshot.position !== undefined) {
      if (this.reader.restorePosition === undefined) throw new CheckpointError(`Source '${sourceName}' cannot resume from a checkpoint (its reader has no restorePosition)`, { operator: sourceName });
      this.reader.restorePosition(snapshot.position);
    }
    this.eventTime.restore(snapshot.watermark);
    this.ctx.watermark = snapshot.watermark;
  }

  runOnce(now: number): void {
    if (this.barrier !== undefined) {
      this.emitBarrier();
      return;
    }
    if (this.endAfterRestore || (this.stopping?.drain === true && this.ready === undefined)) {
      this.finish();
      return;
    }
    let result = this.ready;
    this.ready = undefined;
    if (result === undefined) {
      // Once per poll, not per record. Readers return a fresh value each time (positions are
      // stored as they are), so this one stays what it was while the reader moves on.
      const before = this.tracksPositions ? this.reader.snapshotPosition?.() : undefined;
      const polled = this.reader.poll(this.batchSize);
      if (polled instanceof Promise) {
        if (this.tracksPositions) this.positionBeforePoll = { position: before };
        this.pending = true;
        polled.then(
          (r) => {
            this.pending = false;
            this.ready = r;
            this.wake();
          },
          (error: unknown) => {
            this.pending = false;
            this.wake(error);
          },
        );
        return;
      }
      result = polled;
    }
    // From here on the poll's records are emitted: the reader's own position covers them.
    this.positionBeforePoll = undefined;
    this.emit(result, now);
  }

  /** Periodic watermark generation while the source waits (needed for idleness detection). */
  fireTimers(now: number): boolean {
    if (this.finished || this.stopping !== undefined) return false;
    return this.eventTime.periodic(now);
  }

  private emit(result: SourcePoll<unknown>, now: number): void {
    const n = result.values.length;
    this.eventTime.send(result, now);
    this.recordsIn += n;
    this.eventTime.batchEnd(now);
    this.router.flush();
    if (result.end === true) {
      this.finish();
      return;
    }
    if (result.retryAt !== undefined) this.retryAt = result.retryAt;
    else if (n === 0) this.retryAt = now + EMPTY_POLL_BACKOFF_MS;
  }

  /** This subtask's watermark for `job.metrics()`. */
  watermarkInfo(): SourceSubtaskWatermark {
    const { hasStrategy, watermark, idle, advancedAt, lastRecordAt, splits } = this.eventTime.info();
    return { subtask: this.ctx.subtask, hasStrategy, watermark, idle, finished: this.finished, advancedAt, lastRecordAt, splits };
  }

  /** Snapshot, acknowledge and pass on the waiting barrier: everything emitted so far is before it. */
  private emitBarrier(): void {
    const id = this.barrier!;
    this.barrier = undefined;
    this.listener.acknowledge(id, this.snapshotFor(id));
    this.router.broadcast({ kind: "barrier", checkpointId: id });
    if (this.stopping !== undefined && this.stopping.barrier === id) this.stopped = true;
  }

  private finish(): void {
    // A barrier still waiting goes out now (runOnce sends it before anything else, so this is a
    // safety net): a finished task is never run again, and without its acknowledgement the
    // checkpoint would never complete (while downstream two-phase-commit sinks, which got the
    // barrier through the other subtasks, wait for it).
    if (this.barrier !== undefined) this.emitBarrier();
    this.eventTime.finish();
    this.router.broadcast(END);
    this.finished = true;
  }
}
