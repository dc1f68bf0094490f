import type { CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import type { DeadLetter } from "../operators/Operator.js";
import type { JobMetrics, JobStatus } from "./JobMetrics.js";
import type { JobResult } from "./JobResult.js";
import type { RestartingJob } from "./restart/RestartingJob.js";
import type { Sink } from "../sinks/Sink.js";
import { planIsBounded, planSinks } from "../graph/JobPlan.js";
import { registerJob } from "./jobRegistry.js";
import { liveHost } from "../live/liveHost.js";
import { ApiUsageError } from "../errors/errors.js";
import { displayAs, metricsBundle, stopBundle } from "./jobTables.js";

/** Options of `job.stop()`. */
export interface StopOptions {
  /**
   * Name of the savepoint to take as the job's last act (needs `env.enableCheckpointing`). Default:
   * with checkpointing, a name made up from the job's name and the time; without, none.
   */
  savepoint?: string;
  /**
   * Advance event time to the end before the savepoint: fire all windows and event-time timers
   * (Flink's `stop --drain`). The only stop allowed without checkpointing.
   */
  drain?: boolean;
}

/** What `job.stop()` resolves to: how the job ended (`finished`, as Flink's FINISHED) and the savepoint it took (a table in a notebook). */
export interface StopResult {
  result: JobResult;
  savepoint: CheckpointMetadata | undefined;
}

/**
 * Where a job's subtasks run: on `workers` worker threads, or all on the thread that declared the job
 * (`workers` 0). A job declared in place (a notebook cell, a script) has functions that are closures
 * of that thread and cannot move to another; one declared in a module (`executeModule`) or by SQL can.
 */
export interface JobThreads {
  /** The highest parallelism of the job's operators. */
  readonly parallelism: number;
  readonly workers: number;
  /** Why a parallel job runs on one thread when it could run on workers (e.g. a SET of the SQL session); undefined: it was declared in place. */
  readonly oneThreadReason?: string | undefined;
}

/**
 * A running job, returned at once by `env.execute()`. The job runs in the background on the same
 * thread, yielding to the event loop regularly.
 *
 * @example
 * const job = env.execute("page counts");
 * console.log(job.status, job.metrics().operators.map(o => o.recordsOut));
 * const result = await job.done;          // never rejects
 * if (result.status === "failed") console.error(result.error);
 * await job.wait();                       // or: rejects with the job's error
 */
export class JobHandle {
  /** Resolves when the job is over, whatever the outcome. Never rejects. */
  readonly done: Promise<JobResult>;
  private settled: JobResult | undefined;
  private detachedFlag = false;

  constructor(
    readonly name: string,
    private readonly runner: RestartingJob,
    /** Where the subtasks run (see `JobThreads`). */
    readonly threads: JobThreads = { parallelism: 1, workers: 0 },
  ) {
    this.done = runner.run().then((result) => (this.settled = result));
    registerJob(this);
  }

  /** The sinks this job writes to (a notebook finds its live charts here). */
  get sinks(): readonly Sink<unknown>[] {
    return planSinks(this.runner.plan);
  }

  /**
   * Shows the job's live status and charts again where the code runs (in a notebook: the current
   * cell), continuing from their current data — e.g. after a browser reload. `{ details: true }`
   * shows the job card instead, as Flink's dashboard shows a job: the operator graph with records
   * in/out, rates, back-pressure and watermarks, checkpoints, dead letters and failures, updated live.
   */
  show(options: { details?: boolean } = {}): this {
    const host = liveHost();
    if (!host) throw new ApiUsageError("job.show() needs a host that displays jobs (the Sluice kernel); use job.metrics() in a script");
    host.show(this, options);
    return this;
  }

  /**
   * Marks the job as running on its own: a host that would wait for a bounded job (a notebook
   * cell holds until its bounded jobs finish, so executed notebooks have final results) does not.
   */
  detach(): this {
    this.detachedFlag = true;
    return this;
  }

  get detached(): boolean {
    return this.detachedFlag;
  }

  /**
   * What the plan found surprising but not fatal, e.g. an event-time window that fires only at end
   * of input because a source has no watermark strategy. A notebook host prints them in the cell.
   */
  get warnings(): readonly string[] {
    const { parallelism, workers, oneThreadReason } = this.threads;
    // Said where the job starts, so nobody expects parallelism to buy speed it cannot.
    const oneThread =
      parallelism > 1 && workers === 0
        ? [
            oneThreadReason !== undefined
              ? `parallelism ${parallelism} runs on one thread: ${oneThreadReason}`
              : `parallelism ${parallelism} runs on one thread: a job declared in a cell cannot move to worker threads (its functions are closures of this thread); declare it in a module and run it with executeModule() (README "Parallel jobs")`,
          ]
        : [];
    return [...this.runner.plan.warnings, ...oneThread];
  }

  /** True when all sources are bounded: the job finishes by itself. */
  get bounded(): boolean {
    return planIsBounded(this.runner.plan);
  }

  get status(): JobStatus {
    return this.runner.status;
  }

  /** The result once the job is over, else undefined. */
  get result(): JobResult | undefined {
    return this.settled;
  }

  /** Current counters per operator, watermark and backlog. Cheap enough to poll a few times a second. */
  metrics(): JobMetrics {
    // A table in a notebook; the same typed value everywhere else.
    return displayAs(this.runner.metrics(), metricsBundle);
  }

  /** Stops the job; resolves when it has closed its sources, operators and sinks. */
  async cancel(): Promise<JobResult> {
    this.runner.cancel();
    return this.done;
  }

  /**
   * Stop-with-savepoint, as Flink's `flink stop`: the sources stop, a savepoint is the last thing the
   * job takes, and the job ends with nothing emitted after it, so a job restored from that savepoint
   * neither loses nor repeats output. `drain: true` first advances event time to the end, firing
   * every window (Flink's `--drain`); use it when the job will not be resumed. Rejects with an
   * `ApiUsageError` for a stop that makes no sense (a savepoint without checkpointing, or a stop
   * without drain that leaves nothing to resume from), and with a `CheckpointError` if the savepoint
   * fails (the job then goes on, as in Flink).
   *
   * @example
   * const { savepoint } = await job.stop({ savepoint: "before-upgrade" });
   * env.execute("page views", { restoreFrom: "before-upgrade" });
   */
  async stop(options: StopOptions = {}): Promise<StopResult> {
    const savepoint = await this.runner.stop(options);
    return displayAs({ result: await this.done, savepoint }, stopBundle);
  }

  /** Resolves when the job finished; rejects with its typed error if it failed. Cancelled jobs resolve. */
  async wait(): Promise<JobResult> {
    const result = await this.done;
    if (result.status === "failed" && result.error !== undefined) throw result.error;
    return result;
  }

  /**
   * Takes a checkpoint now (needs `env.enableCheckpointing`). Resolves once every operator has
   * snapshotted and the file is written; rejects with a `CheckpointError` if the job ends first.
   */
  checkpoint(): Promise<CheckpointMetadata> {
    return this.runner.triggerCheckpoint("checkpoint");
  }

  /** Like `checkpoint()` but written as `savepoint-<name>.json` and never pruned; restore with `execute(name, { restoreFrom: name })`. */
  savepoint(name: string): Promise<CheckpointMetadata> {
    return this.runner.triggerCheckpoint("savepoint", name);
  }

  /** The most recent dead letters (records routed away under the `dead-letter` error policy). */
  deadLetters(): DeadLetter[] {
    return this.runner.deadLetters.recent();
  }

  /**
   * Resolves once the job has nothing to do right now: all queues drained and it waits for data or
   * time. With a `ManualClock`, advance the clock then await this to observe the effects.
   */
  whenIdle(): Promise<void> {
    return this.runner.whenIdle();
  }
}
