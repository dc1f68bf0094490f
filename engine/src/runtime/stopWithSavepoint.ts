import type { CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import { ApiUsageError, CheckpointError, type SluiceError } from "../errors/errors.js";
import type { StoppableSource } from "./buildTasks.js";

/** Options of a stop (`job.stop()`); see `StopOptions` in JobHandle. */
export interface StopRequestOptions {
  savepoint?: string | undefined;
  drain?: boolean | undefined;
}

/** What the stop needs of the runner. */
export interface StopHost {
  readonly sources: readonly StoppableSource[];
  /** Takes a savepoint; `onStart` gets its id before any barrier is injected. */
  savepoint(name: string, onStart: (id: number) => void): Promise<CheckpointMetadata>;
  notify(): void;
}

/**
 * Stop-with-savepoint, as Flink's `flink stop`. The sources poll no more; without drain each emits
 * the savepoint's barrier as its last element, and once the savepoint completed (two-phase-commit
 * sinks committed it) the job ends, its sinks closed normally: nothing was emitted after the barrier,
 * so a job restored from the savepoint neither repeats nor loses output. With drain the sources end
 * as at end of input (the final watermark fires every window and event-time timer) and the savepoint
 * is the job's final checkpoint (taken by the runner once every task finished).
 * If the savepoint fails, the sources resume and the job goes on, as in Flink.
 */
export class StopWithSavepoint {
  readonly savepointName: string | undefined;
  readonly drain: boolean;
  /** Resolves with the savepoint (undefined when none was taken); rejects if the stop failed. */
  readonly result: Promise<CheckpointMetadata | undefined>;
  private resolve!: (metadata: CheckpointMetadata | undefined) => void;
  private reject!: (error: Error) => void;
  private begunFlag = false;
  private settledFlag = false;
  /** Without drain: the savepoint completed; the loop ends. */
  complete = false;

  constructor(savepointName: string | undefined, drain: boolean) {
    this.savepointName = savepointName;
    this.drain = drain;
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // `job.stop()` awaits this; a stop that fails once nobody waits any more (the job failed) must
    // not become an unhandled rejection: the job's own result reports it.
    this.result.catch(() => undefined);
  }

  /**
   * Validates a stop of job `jobName` and picks the savepoint's name: the given one, or one made up
   * when checkpointing is on (a stop always leaves something to resume from, as in Flink).
   */
  static create(jobName: string, options: StopRequestOptions, checkpointing: boolean): StopWithSavepoint {
    const drain = options.drain === true;
    if (!checkpointing) {
      if (options.savepoint !== undefined) throw new ApiUsageError(`job.stop({ savepoint }) needs checkpointing: call env.enableCheckpointing({ directory }) before execute() (job '${jobName}')`);
      if (!drain) {
        throw new ApiUsageError(
          `Without checkpointing, a stop of job '${jobName}' leaves nothing to resume from: use job.stop({ drain: true }) to end its input now and fire every window, or job.cancel()`,
        );
      }
      return new StopWithSavepoint(undefined, true);
    }
    return new StopWithSavepoint(options.savepoint ?? `${jobName.replace(/[^\w-]+/g, "-")}-${Date.now()}`, drain);
  }

  /** Without drain: the sources were told to stop and the savepoint was triggered. */
  get begun(): boolean {
    return this.begunFlag;
  }

  /** Not failed: a second `stop()` call gets this one's result. */
  get active(): boolean {
    return !this.settledFlag || this.complete;
  }

  get inProgress(): boolean {
    return this.begunFlag && !this.settledFlag;
  }

  /** The loop runs with checkpointing set up: stop the sources and, without drain, trigger the savepoint. */
  begin(host: StopHost): void {
    if (this.begunFlag) return;
    this.begunFlag = true;
    for (const source of host.sources) source.stop(this.drain);
    if (this.drain) return;
    host
      .savepoint(this.savepointName!, (id) => {
        for (const source of host.sources) source.setStopBarrier(id);
      })
      .then(
        (metadata) => {
          this.complete = true;
          this.succeed(metadata);
          host.notify();
        },
        (error: unknown) => {
          // The job goes on (Flink resumes the sources after a failed stop-with-savepoint).
          for (const source of host.sources) source.resume();
          this.fail(error as Error);
          host.notify();
        },
      );
  }

  succeed(metadata: CheckpointMetadata | undefined): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    this.resolve(metadata);
  }

  fail(error: Error): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    this.reject(error);
  }

  /** The job is over: a stop not yet done failed with it. */
  jobEnded(jobName: string, status: string, failure: SluiceError | undefined): void {
    this.fail(failure ?? new CheckpointError(`Job '${jobName}' was ${status} before its stop completed`, { job: jobName }));
  }
}
