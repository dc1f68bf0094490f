import type { Clock } from "../../time/Clock.js";
import type { Task } from "../Task.js";
import { AFTER_END, AFTER_SLEEP, AFTER_TURN, AFTER_YIELD, runSlices, runTurn, type Turn, TurnFailure } from "../schedulerTurn.js";
import { METRICS_EVERY_MS } from "./protocol.js";

/**
 * Schedules the subtasks of one worker thread with the main thread's turn (`runTurn`, upstream first,
 * a few steps each), yielding every `timeSliceMs` (so calls from the main thread
 * and input from other threads get in) and sleeping until woken or a timer is due. Checkpoints,
 * stops and the job's end are the main thread's; this loop only runs what it is given.
 */
export class WorkerLoop {
  private wakeUp: (() => void) | undefined;
  private halted = false;
  private readonly started = new Set<Task>();
  private readonly reportedFinished = new Set<Task>();
  private dirty = false;
  private lastReport = 0;
  private timersPaused = false;
  private readonly turn: Turn = { progressed: false, allFinished: true };
  private readonly isHalted = (): boolean => this.halted;

  constructor(
    private readonly tasks: readonly Task[],
    private readonly clock: Clock,
    private readonly timeSliceMs: number,
    /** Sends the subtasks' counters to the main thread. */
    private readonly report: () => void,
    /** A subtask threw: the job fails (the main thread decides what follows). */
    private readonly fail: (error: unknown, task: Task) => void,
  ) {}

  notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** The main thread started `task`; once all of this worker's are, the loop runs. */
  taskStarted(task: Task): void {
    this.started.add(task);
    if (this.started.size === this.tasks.length) void this.loop();
  }

  /** A stop without drain is under way (or failed: `false`): processing-time timers wait, and so do sources' retries. */
  pauseTimers(paused: boolean): void {
    this.timersPaused = paused;
    this.notify();
  }

  /** The job is cancelled or failed: nothing runs any more (settling and closing are calls from the main thread). */
  halt(): void {
    this.halted = true;
    this.notify();
  }

  private loop(): Promise<void> {
    return runSlices(
      () => this.runSlice(),
      () => this.sleep(),
    );
  }

  /**
   * Turns until the time slice is used up (yield), nothing progressed (sleep) or the loop ends: two calls and
   * a compare per turn, the bookkeeping in `afterTurn`. V8 optimises a function once the bytecode it ran adds
   * up; the async loop this replaces, with a turn's bookkeeping in it, got there after ~700 turns (in the
   * harness's timed 2 M-event job) and TurboFan then compiled it with `runTurn` and the tasks' methods inlined
   * again: 24–45 ms of a compile thread per worker, for code `runTurn`'s own optimised copy already ran as
   * fast — at p=2 on two cores, time that thread took from the workers. Now `afterTurn` is what gets hot
   * (~5 ms to compile: it calls no task) and this loop, with little bytecode per turn, later if ever
   * (bench/nexmark/RESULTS.md "Session 18: q7mod").
   */
  private runSlice(): number {
    const sliceStart = performance.now();
    for (;;) {
      if (this.halted) return AFTER_END;
      // `tasks` upstream first as on the main thread (was downstream first: q5/q7 module jobs at p=2 used
      // 1.06×/1.12× the events per CPU-second this way, bench/nexmark/RESULTS.md "Session 10 (parx)").
      const next = this.afterTurn(runTurn(this.tasks, this.clock.now(), !this.timersPaused, this.isHalted, this.turn), sliceStart);
      if (next !== AFTER_TURN) return next;
    }
  }

  /** What follows a turn: another (AFTER_TURN), a yield, a sleep, or the end (the job finished, failed or halted). */
  private afterTurn(result: Turn | TurnFailure, sliceStart: number): number {
    if (result instanceof TurnFailure) {
      this.halted = true;
      this.fail(result.error, result.task);
      this.sendReport();
      return AFTER_END;
    }
    if (this.halted) return AFTER_END;
    const { progressed, allFinished } = result;
    if (this.reportedFinished.size < this.tasks.length) {
      for (const task of this.tasks) {
        if (task.finished && !this.reportedFinished.has(task)) {
          this.reportedFinished.add(task);
          this.lastReport = 0; // a subtask finished: the main thread hears of it at once
        }
      }
    }
    if (progressed) this.dirty = true;
    if (this.dirty && performance.now() - this.lastReport >= METRICS_EVERY_MS) this.sendReport();
    if (allFinished) {
      this.sendReport();
      return AFTER_END;
    }
    if (performance.now() - sliceStart >= this.timeSliceMs) return AFTER_YIELD;
    // Going quiet sends no report of its own: a due one went above, a held-back one goes by `sleep`'s timer. A worker of
    // a job at p=2 goes quiet between its peer's messages dozens of times a second; a report each time sent up to twice
    // the reports the interval gives (nexmark q5: 19–46 per worker and 2 M-event job, now 19–21).
    return progressed ? AFTER_TURN : AFTER_SLEEP;
  }

  private sendReport(): void {
    this.dirty = false;
    this.lastReport = performance.now();
    this.report();
  }

  private async sleep(): Promise<void> {
    let deadline = Number.POSITIVE_INFINITY;
    if (!this.timersPaused) for (const task of this.tasks) deadline = Math.min(deadline, task.nextWakeUp());
    const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
    const cancelTimer = deadline < Number.POSITIVE_INFINITY ? this.clock.wakeAt(deadline, () => this.notify()) : undefined;
    // A report held back when the loop went quiet (`afterTurn`): on the wall clock, as the reports' interval is, not the job's.
    const reportDue = this.dirty ? setTimeout(() => this.notify(), Math.max(0, this.lastReport + METRICS_EVERY_MS - performance.now())) : undefined;
    await woken;
    cancelTimer?.();
    clearTimeout(reportDue);
  }
}
