import type { CheckpointMetadata, SubtaskCheckpoint } from "../checkpoint/CheckpointData.js";
import { CheckpointError, type SluiceError } from "../errors/errors.js";
import type { JobPlan } from "../graph/JobPlan.js";
import { buildTasks, type StoppableSource } from "./buildTasks.js";
import { collectMetrics } from "./collectMetrics.js";
import { endOfInput } from "./endOfInput.js";
import { JobCheckpointing } from "./jobCheckpointing.js";
import type { CheckpointStats, JobMetrics, JobStatus } from "./JobMetrics.js";
import type { JobResult } from "./JobResult.js";
import type { OperatorTask } from "./OperatorTask.js";
import { type StopHost, StopWithSavepoint, type StopRequestOptions } from "./stopWithSavepoint.js";
import { DeadLetterLog } from "./SubtaskContext.js";
import type { SinkStatesAtStart } from "./restart/sinkStatesAtStart.js";
import { settleWithin } from "./settleWithin.js";
import type { RuntimeOptions } from "./RuntimeOptions.js";
import type { Task } from "./Task.js";
import { AFTER_END, AFTER_SLEEP, AFTER_TURN, AFTER_YIELD, runSlices, runTurn, type Turn, TurnFailure } from "./schedulerTurn.js";
import { taskFailure } from "./taskFailure.js";

export type { RuntimeOptions } from "./RuntimeOptions.js";

export type { Task } from "./Task.js";

/** The runner of the job that finished last on this thread: released when the next one finishes (`release`). */
let lastFinished: JobRunner | undefined;

/**
 * Runs every subtask of a job cooperatively on the current thread. Each turn it fires due
 * processing-time timers, then lets runnable tasks (upstream first, so a batch goes through the
 * pipeline in the turn it was made) take a few steps. It yields to the event loop every
 * `timeSliceMs` and sleeps when nothing can run until a reader, sink, or clock wakes it.
 */
export class JobRunner {
  status: JobStatus = "created";
  // Not readonly: emptied when the job is over (`release`).
  private tasks: readonly Task[];
  private sources: readonly StoppableSource[];
  private sinks: readonly OperatorTask[];
  /** Set when the job is over: what `metrics()` answers from then on. */
  private finalMetrics: JobMetrics | undefined;
  readonly deadLetters: DeadLetterLog;
  private failure: SluiceError | undefined;
  private cancelled = false;
  private wakeUp: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private startedAt = 0;
  private endedAt: number | undefined;
  private readonly checkpoints: JobCheckpointing;
  private stopRequest: StopWithSavepoint | undefined;
  /** The loop is over: checkpoints failing from now on are the end's business (endOfInput, abort). */
  private ending = false;
  /** The loop's turn result (reused every turn), its `halted` test, and what a stop-with-savepoint needs of it. */
  private readonly turn: Turn = { progressed: false, allFinished: true };
  private readonly isFailed = (): boolean => this.failure !== undefined;
  private readonly stopHost: StopHost;
  /** Restored from (checkpoint id), completed and failed checkpoints, for metrics. */
  readonly checkpointStats: CheckpointStats;

  constructor(
    readonly plan: JobPlan,
    private readonly options: RuntimeOptions,
  ) {
    this.deadLetters = options.deadLetterLog ?? new DeadLetterLog(options.deadLetterRetention);
    this.checkpoints = new JobCheckpointing(plan, options, {
      status: () => this.status,
      failure: () => this.failure,
      over: () => this.ending || this.cancelled,
      fail: (error) => this.fail(error, undefined),
      notify: () => this.notify(),
    });
    this.checkpointStats = this.checkpoints.stats;
    const checkpointing = options.checkpointStorage !== undefined;
    const listenerFor = (task: () => Task) => ({
      wake: (error?: unknown) => this.onAsyncSettled(task(), error),
      acknowledge: (id: number, snapshot: SubtaskCheckpoint) => this.checkpoints.coordinator?.acknowledge(task(), id, snapshot),
    });
    const placement = options.placement?.(plan, { ...options, checkpointing, deadLetters: this.deadLetters }, () => this.notify());
    ({ tasks: this.tasks, sources: this.sources, sinks: this.sinks } = buildTasks(plan, { ...options, checkpointing, placement }, this.deadLetters, listenerFor));
    this.stopHost = {
      sources: this.sources,
      savepoint: (name, onStart) => this.triggerCheckpoint("savepoint", name, onStart),
      notify: () => this.notify(),
    };
  }

  /** Each sink subtask's state as this job started from scratch (by `uid#subtask`); see `RuntimeOptions.sinkStatesAtStart`. */
  get sinkStatesAtStart(): SinkStatesAtStart {
    return this.checkpoints.sinkStatesAtStart;
  }

  /** A task's async work settled; what it reports as an error fails the job. */
  private onAsyncSettled(task: Task, error: unknown): void {
    // After cancel, an error is its consequence (a sink that stopped waiting for its broker): the job is cancelled (Task.cancel).
    if (error !== undefined && !this.cancelled) this.fail(error, task);
    this.notify();
  }

  notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  cancel(): void {
    this.cancelled = true;
    for (const task of this.tasks) task.cancel();
    this.notify();
  }

  /**
   * Stop-with-savepoint (see `StopWithSavepoint`). Resolves with the savepoint once it is complete,
   * or with undefined (drain without checkpointing, or the job already over and no savepoint asked).
   */
  stop(options: StopRequestOptions): Promise<CheckpointMetadata | undefined> {
    const job = this.plan.jobName;
    if (this.status !== "running" && this.status !== "created") {
      if (options.savepoint === undefined) return Promise.resolve(undefined);
      return Promise.reject(new CheckpointError(`Job '${job}' is ${this.status}: no savepoint taken`, { job }));
    }
    if (this.stopRequest?.active === true) return this.stopRequest.result;
    try {
      this.stopRequest = StopWithSavepoint.create(job, options, this.options.checkpointStorage !== undefined);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.notify();
    return this.stopRequest.result;
  }

  /** A stop without drain is under way: processing-time timers wait (they would emit after the stop barrier). */
  private get timersPaused(): boolean {
    return this.stopRequest?.inProgress === true && !this.stopRequest.drain;
  }

  /**
   * Resolves once the job has nothing it can do right now (or is over): pending promise callbacks
   * (a source that just got data, a clock wake-up) have run and the scheduler is asleep again.
   * For tests with a ManualClock or TestSource.
   */
  async whenIdle(): Promise<void> {
    for (;;) {
      // Let already-resolved callbacks (reader results, wake-ups) reach the scheduler first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.status !== "running" && this.status !== "created") return;
      if (this.wakeUp !== undefined) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private fail(error: unknown, task: Task | undefined): void {
    if (this.failure !== undefined) return; // the first failure is the cause; later ones are consequences
    this.failure = taskFailure(this.plan.jobName, error, task);
    this.notify();
  }

  async run(): Promise<JobResult> {
    const clock = this.options.clock;
    this.startedAt = clock.now();
    this.status = "running";
    const stop = () => this.stopRequest;
    try {
      await this.checkpoints.setUp(this.tasks, this.sinks);
      if (this.failure === undefined) await this.open();
      if (this.failure === undefined) await this.loop();
      this.ending = true; // checkpoints failing from here on are endOfInput's business, not the failure manager's
      // Bounded input may end while a stop's savepoint is under way: that savepoint is the final checkpoint.
      const ended = () => this.failure !== undefined || this.cancelled;
      // Only the savepoint's settling matters here; a failed one is reported by the job's result (stopWithSavepoint.ts).
      if (!ended() && stop()?.begun === true && stop()?.drain === false) await stop()!.result.catch(() => undefined);
      if (!ended() && stop()?.complete !== true) {
        const checkpoint = this.checkpoints.coordinator === undefined ? undefined : (name?: string) => this.triggerCheckpoint(name === undefined ? "checkpoint" : "savepoint", name);
        await endOfInput(this.plan.jobName, this.tasks, checkpoint, stop()?.drain === true ? stop() : undefined, (error, task) => this.fail(error, task));
      }
    } catch (error) {
      this.fail(error, undefined);
    }
    this.ending = true; // also when open() or the loop threw
    const { coordinator } = this.checkpoints;
    coordinator?.abort(this.failure?.message ?? (this.cancelled ? "job cancelled" : stop()?.complete === true ? "job stopped" : "job finished"));
    // A checkpoint being written still commits (or not) before sinks close; then, on failure or
    // cancel, two-phase-commit sinks drop what no checkpoint committed.
    if (coordinator) await this.settle(coordinator.drain(), undefined, "completing a checkpoint");
    // Cancel and failure stop the loop, not a write already under way: let it finish first.
    for (const task of this.tasks) await this.settle(task.settled(), task, "a write");
    if (this.failure !== undefined || this.cancelled) {
      for (const task of this.tasks) await this.settle(task.abortUncommitted(), task, "aborting uncommitted output");
    }
    await this.close();
    this.status = this.failure !== undefined ? "failed" : this.cancelled ? "cancelled" : "finished";
    stop()?.jobEnded(this.plan.jobName, this.status, this.failure);
    this.endedAt = clock.now();
    this.releaseIdleWaiters();
    const metrics = this.metrics();
    this.finalMetrics = metrics;
    const previous = lastFinished;
    lastFinished = this;
    previous?.release();
    return { jobName: this.plan.jobName, status: this.status, error: this.failure, metrics };
  }

  /**
   * A later job finished: this one's subtasks (operators with their keyed and window state, readers,
   * writers, queued batches) are let go; its metrics were final when it ended. The registry keeps the
   * handles of the 50 most recent finished jobs for listing, and each kept its whole runner reachable
   * (a job module's q5: ~1.14 MB of window panes per job; a keyed job: all its state). Not at the job's
   * own end: while the last job's objects live, so do their hidden classes, and the next job's code
   * stays optimized — let go at once, a q5 of 200k events cost ~2.4× the CPU (every job re-optimized,
   * `--trace-deopt`: "weak objects").
   */
  private release(): void {
    this.tasks = [];
    this.sources = [];
    this.sinks = [];
  }

  /** See `JobCheckpointing.trigger`. */
  triggerCheckpoint(kind: "checkpoint" | "savepoint", name?: string, onStart?: (id: number) => void, periodic = false): Promise<CheckpointMetadata> {
    return this.checkpoints.trigger(kind, name, onStart, periodic);
  }

  /** Waits for `work` of the ending job, but not forever (see `settleWithin`); a stuck one fails the job unless it was cancelled. */
  private async settle(work: Promise<unknown>, task: Task | undefined, what: string): Promise<void> {
    const ms = this.options.taskCancellationTimeout ?? 180_000;
    if (await settleWithin(this.options.clock, ms, work)) return;
    const operator = task === undefined ? "" : ` in ${task.node.name} (subtask ${task.subtask})`;
    if (!this.cancelled) this.fail(new Error(`${what}${operator} did not settle within ${ms} ms of the job ending; left behind`), task);
  }

  private async open(): Promise<void> {
    // One task after another, in plan and subtask order. Exactly-once Kafka sinks rely on it after a
    // scale-up: subtask 0 commits the transactions every old subtask prepared (recoverCommittables,
    // in its open) before subtask k > 0 opens and fences its own transactional id.
    for (const task of this.tasks) {
      if (this.cancelled) return;
      try {
        await task.open();
      } catch (error) {
        // Cancelled while opening (a sink waiting for an unreachable broker gives up): cancelled, not failed.
        if (!this.cancelled) this.fail(error, task);
        return;
      }
    }
    for (const task of this.tasks) task.start();
  }

  private loop(): Promise<void> {
    return runSlices(
      () => this.runSlice(),
      () => this.sleep(),
    );
  }

  /**
   * Turns until the time slice is used up, nothing progressed or the job ends: a few calls and a compare
   * per turn, the bookkeeping in `beforeTurn`/`afterTurn` (why: `WorkerLoop.runSlice`). Tasks run upstream
   * first (topological order; see `runTurn`): run downstream first, every stage held a batch at once and
   * each scavenge copied them all (Nexmark q0: 440–500 KB survived a scavenge, ~140 KB now).
   */
  private runSlice(): number {
    const sliceStart = performance.now();
    for (;;) {
      const now = this.beforeTurn();
      if (now === undefined) return AFTER_END;
      const next = this.afterTurn(runTurn(this.tasks, now, !this.timersPaused, this.isFailed, this.turn), sliceStart);
      if (next !== AFTER_TURN) return next;
    }
  }

  /** A stop's next step and a periodic checkpoint if due; the turn's time, or undefined if the loop ends here. */
  private beforeTurn(): number | undefined {
    if (this.failure !== undefined || this.cancelled) return undefined;
    const stop = this.stopRequest;
    if (stop?.complete === true) return undefined;
    stop?.begin(this.stopHost);
    const now = this.options.clock.now();
    if (now >= this.checkpoints.nextAt) this.checkpoints.periodic(now, stop?.inProgress === true);
    return now;
  }

  /** What follows a turn: another (AFTER_TURN), a yield, a sleep, or the end (the job finished or failed). */
  private afterTurn(result: Turn | TurnFailure, sliceStart: number): number {
    if (result instanceof TurnFailure) {
      this.fail(result.error, result.task);
      return AFTER_END;
    }
    if (this.failure !== undefined) return AFTER_END;
    // Tasks that finished during a checkpoint take part with their final state.
    if (this.checkpoints.coordinator?.inProgress === true) this.checkpoints.coordinator.acknowledgeFinished();
    if (result.allFinished) return AFTER_END;
    if (performance.now() - sliceStart >= this.options.timeSliceMs) return AFTER_YIELD;
    return result.progressed ? AFTER_TURN : AFTER_SLEEP;
  }

  /** Waits until an async reader/writer settles, cancel() is called, or the next timer/poll deadline passes. */
  private async sleep(): Promise<void> {
    let deadline = this.checkpoints.nextAt;
    // A stop's sources want nothing more (they are stopping), and operators' timers wait for its end.
    if (!this.timersPaused) {
      for (const task of this.tasks) {
        const at = task.nextWakeUp();
        if (at < deadline) deadline = at;
      }
    }
    const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
    const cancelTimer = deadline < Number.POSITIVE_INFINITY ? this.options.clock.wakeAt(deadline, () => this.notify()) : undefined;
    this.releaseIdleWaiters();
    await woken;
    cancelTimer?.();
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async close(): Promise<void> {
    for (const task of this.tasks) {
      const close = async () => task.close();
      // A close failure after success fails the job; after a failure it is secondary. After cancel,
      // the job is cancelled (as Flink's CANCELED, whatever a closing task throws): reported, not a failure.
      const closed = close().catch((error: unknown) => {
        if (this.cancelled && this.failure === undefined)
          console.warn(`Job '${this.plan.jobName}' was cancelled; then closing ${task.node.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        else this.fail(error, task);
      });
      await this.settle(closed, task, "closing");
    }
  }

  metrics(): JobMetrics {
    if (this.finalMetrics !== undefined) return { ...this.finalMetrics };
    return collectMetrics(this.plan, this.tasks, {
      status: this.status,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      deadLetters: this.deadLetters.total,
      checkpoints: this.checkpoints.figures(),
    });
  }
}
