import type { CheckpointMetadata } from "../../checkpoint/CheckpointData.js";
import { ApiUsageError, CheckpointError, PlanError, type SluiceError } from "../../errors/errors.js";
import type { JobPlan } from "../../graph/JobPlan.js";
import type { Clock } from "../../time/Clock.js";
import type { JobMetrics, JobStatus, RestartStats } from "../JobMetrics.js";
import type { JobResult } from "../JobResult.js";
import type { JobRunner } from "../JobRunner.js";
import type { DeadLetterLog } from "../SubtaskContext.js";
import type { StopRequestOptions } from "../stopWithSavepoint.js";
import type { RestartBackoff } from "./RestartStrategies.js";

/** Builds one attempt of the job: a fresh runner (new readers, operators, writers) restored from `restoreFrom`. */
export type AttemptFactory = (restoreFrom: string | undefined, sinkStatesAtStart?: ReadonlyMap<string, unknown>) => JobRunner;

/**
 * A job across its attempts, as Flink's scheduler with a restart strategy: when an attempt fails
 * and the strategy allows, a fresh attempt restores from the latest checkpoint any attempt
 * completed (else from the job's own `restoreFrom`, else from scratch) after the strategy's delay.
 * The job is over only when an attempt finishes, is cancelled, or fails with no restart left.
 * Same surface as a `JobRunner`, so `JobHandle` does not care whether a job restarts.
 */
export class RestartingJob {
  private current: JobRunner;
  private readonly first: JobRunner;
  /** A stop-with-savepoint completed: whatever happens after it (a failing close), the job is not restarted. */
  private stopped = false;
  private cancelled = false;
  private restarting = false;
  /** Set once the job is over (an attempt cancelled during a restart delay never ran to say so). */
  private over: JobStatus | undefined;
  /** Cancels the pending restart delay and resumes `run()` at once. */
  private interruptDelay: (() => void) | undefined;
  private readonly firstStartedAt: number;
  private restoreFrom: string | undefined;
  private restoreId: number | undefined;
  readonly restarts: RestartStats;

  constructor(
    readonly plan: JobPlan,
    private readonly newAttempt: AttemptFactory,
    private readonly backoff: RestartBackoff,
    private readonly clock: Clock,
    restoreFrom: string | undefined,
    readonly deadLetters: DeadLetterLog,
  ) {
    this.restarts = { count: 0, maxAttempts: backoff.maxAttempts, lastFailure: undefined, lastFailureAt: undefined, restoringFrom: undefined };
    this.restoreFrom = restoreFrom;
    this.firstStartedAt = clock.now();
    this.current = newAttempt(restoreFrom);
    this.first = this.current;
  }

  /** The attempt running now (or the last one). */
  get attempt(): JobRunner {
    return this.current;
  }

  get status(): JobStatus {
    return this.over ?? (this.restarting ? "restarting" : this.current.status);
  }

  async run(): Promise<JobResult> {
    for (;;) {
      const result = await this.current.run();
      this.rememberCheckpoint(this.current);
      if (result.status !== "failed" || this.cancelled || this.stopped || !this.mayRestart(result.error)) return this.final(result);
      this.backoff.notifyFailure(this.clock.now());
      if (!this.backoff.canRestart()) return this.final(result);
      this.restarting = true;
      this.restarts.count++;
      this.restarts.lastFailure = result.error?.message;
      this.restarts.lastFailureAt = this.clock.now();
      this.restarts.restoringFrom = this.restoreId;
      await this.delay(this.backoff.backoffTime());
      if (this.cancelled) {
        this.restarting = false;
        return this.final({ ...result, status: "cancelled", error: undefined });
      }
      try {
        // No checkpoint yet: the sinks go back to where the first attempt found them.
        this.current = this.restoreFrom === undefined ? this.newAttempt(undefined, this.first.sinkStatesAtStart) : this.newAttempt(this.restoreFrom);
      } catch (error) {
        // Building a runner only fails on a bug or a plan that can never run: no point retrying.
        this.restarting = false;
        return this.final({ ...result, error: error as SluiceError });
      }
      this.restarting = false;
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.current.cancel();
    this.interruptDelay?.();
  }

  triggerCheckpoint(kind: "checkpoint" | "savepoint", name?: string): Promise<CheckpointMetadata> {
    if (this.restarting) return Promise.reject(new CheckpointError(`Job '${this.plan.jobName}' is restarting (no attempt runs to take a ${kind})`, { job: this.plan.jobName }));
    return this.current.triggerCheckpoint(kind, name);
  }

  /**
   * Stop-with-savepoint of the running attempt. An attempt that fails during the stop is restarted
   * by the strategy like any failure (the stop then rejects), as in Flink; one that stops ends the job.
   */
  stop(options: StopRequestOptions): Promise<CheckpointMetadata | undefined> {
    if (this.restarting) {
      return Promise.reject(new CheckpointError(`Job '${this.plan.jobName}' is restarting: stop it once it runs again, or cancel it`, { job: this.plan.jobName }));
    }
    return this.current.stop(options).then((savepoint) => {
      this.stopped = true;
      return savepoint;
    });
  }

  async whenIdle(): Promise<void> {
    // While restarting the job waits for the delay (the clock) or for the new attempt to be built.
    while (this.restarting) {
      if (this.interruptDelay !== undefined) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return this.current.whenIdle();
  }

  metrics(): JobMetrics {
    const m = this.current.metrics();
    return { ...m, status: this.status, startedAt: this.firstStartedAt, endedAt: this.restarting ? undefined : m.endedAt, restarts: { ...this.restarts } };
  }

  /**
   * A plan that cannot run, a misused API, or a checkpoint that cannot be restored fail the same way
   * every time: restarting would only loop (Flink fails such a job at submission).
   */
  private mayRestart(error: SluiceError | undefined): boolean {
    if (error instanceof CheckpointError) return error.retriable;
    return !(error instanceof ApiUsageError || error instanceof PlanError);
  }

  private rememberCheckpoint(attempt: JobRunner): void {
    const stats = attempt.checkpointStats;
    if (stats.lastPath !== undefined) {
      this.restoreFrom = stats.lastPath;
      this.restoreId = stats.lastId;
    } else if (stats.restoredFrom !== undefined && this.restoreId === undefined) {
      this.restoreId = stats.restoredFrom;
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.interruptDelay = undefined;
        cancelTimer();
        resolve();
      };
      let cancelTimer = () => {};
      this.interruptDelay = done;
      cancelTimer = this.clock.wakeAt(this.clock.now() + ms, done);
    });
  }

  private final(result: JobResult): JobResult {
    this.over = result.status;
    return { ...result, metrics: { ...this.metrics(), status: result.status } };
  }
}
