import type { CheckpointData, CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import { CheckpointCoordinator } from "../checkpoint/CheckpointCoordinator.js";
import { CheckpointFailureManager } from "../checkpoint/CheckpointFailureManager.js";
import { restoreTasks } from "../checkpoint/restoreTasks.js";
import { ApiUsageError, CheckpointError, type SluiceError } from "../errors/errors.js";
import type { JobPlan } from "../graph/JobPlan.js";
import { CheckpointHistory } from "./checkpointHistory.js";
import type { CheckpointStats, JobStatus } from "./JobMetrics.js";
import type { OperatorTask } from "./OperatorTask.js";
import { rememberSinkStates, restoreSinkStates, type SinkStatesAtStart } from "./restart/sinkStatesAtStart.js";
import type { RuntimeOptions } from "./RuntimeOptions.js";
import type { Task } from "./Task.js";

/** What a job's checkpointing reads of its runner, and the runner's two calls it makes. */
export interface CheckpointingHost {
  status(): JobStatus;
  failure(): SluiceError | undefined;
  /** The job is ending (its loop is over) or cancelled: failing checkpoints are no longer the failure manager's business. */
  over(): boolean;
  fail(error: SluiceError): void;
  notify(): void;
}

/**
 * A job attempt's checkpointing: where it starts from (a restored checkpoint, or sink states as a job
 * starting from scratch), the coordinator once set up, the checkpoints and savepoints it triggers (with
 * their history and counts for metrics), the periodic schedule, and `tolerableCheckpointFailures`.
 */
export class JobCheckpointing {
  /** Restored from (checkpoint id), completed and failed checkpoints, for metrics. */
  readonly stats: CheckpointStats = { restoredFrom: undefined, completed: 0, failed: 0, lastPath: undefined, lastId: undefined };
  /** Each sink subtask's state as this job started from scratch (by `uid#subtask`); see `RuntimeOptions.sinkStatesAtStart`. */
  sinkStatesAtStart: SinkStatesAtStart = new Map();
  coordinator: CheckpointCoordinator | undefined;
  /** When the next periodic checkpoint is due. */
  nextAt = Number.POSITIVE_INFINITY;
  private readonly history = new CheckpointHistory();
  private readonly failures: CheckpointFailureManager;
  /** Whether the job has set checkpointing up (or failed to); `setUpSettled` resolves then: a checkpoint asked for before waits for it. */
  private setUpDone = false;
  private settle: () => void = () => {};
  private readonly setUpSettled = new Promise<void>(
    (resolve) =>
      (this.settle = () => {
        this.setUpDone = true;
        resolve();
      }),
  );

  constructor(
    private readonly plan: JobPlan,
    private readonly options: RuntimeOptions,
    private readonly host: CheckpointingHost,
  ) {
    this.failures = new CheckpointFailureManager(plan.jobName, options.tolerableCheckpointFailures ?? 0);
  }

  /** Restores `tasks` (or sets the sinks' start states) and sets the coordinator up; checkpoints asked for meanwhile wait for it, whether it throws or not. */
  async setUp(tasks: readonly Task[], sinks: readonly OperatorTask[]): Promise<void> {
    try {
      await this.restoreAndCoordinate(tasks, sinks);
    } finally {
      this.settle();
    }
  }

  private async restoreAndCoordinate(tasks: readonly Task[], sinks: readonly OperatorTask[]): Promise<void> {
    const { checkpointStorage: storage, restoreFrom } = this.options;
    let restored: CheckpointData | undefined;
    if (restoreFrom !== undefined) {
      if (storage === undefined) throw new ApiUsageError("restoring needs checkpoint storage: env.enableCheckpointing({ directory })");
      restored = restoreFrom === "latest" ? await storage.latest() : await storage.load(restoreFrom);
      if (restored !== undefined) {
        restoreTasks(restored, this.plan, tasks, this.options.allowNonRestoredState === true);
        this.stats.restoredFrom = restored.id;
      } else {
        // The first run of a job written to resume after a crash: nothing to resume from yet.
        this.stats.restoreNotice = `Job '${this.plan.jobName}': no checkpoint in ${storage.directory} yet, so restoreFrom: "latest" starts from scratch`;
        console.warn(this.stats.restoreNotice);
      }
    }
    if (restored === undefined) {
      const given = this.options.sinkStatesAtStart;
      if (given === undefined) this.sinkStatesAtStart = rememberSinkStates(sinks);
      else restoreSinkStates(sinks, given);
    }
    if (storage === undefined) return;
    // Continue numbering after everything in the directory, so a restore from an older savepoint never overwrites newer files.
    const firstId = Math.max(restored?.id ?? 0, (await storage.checkpointIds()).at(-1) ?? 0) + 1;
    const coordinator = new CheckpointCoordinator(this.plan, storage, this.options.clock, () => this.host.notify(), firstId, this.options.checkpointTimeout);
    coordinator.register(tasks);
    this.coordinator = coordinator;
    if (this.options.checkpointInterval !== undefined) this.nextAt = this.options.clock.now() + this.options.checkpointInterval;
  }

  /** The periodic checkpoint is due at `now`: the next one is scheduled, and this one triggered unless one (or a stop) is under way. */
  periodic(now: number, stopping: boolean): void {
    this.nextAt = now + this.options.checkpointInterval!;
    // A failure is counted in metrics, and beyond `tolerableCheckpointFailures` in a row fails the job (trigger).
    if (!this.coordinator!.inProgress && !stopping) this.trigger("checkpoint", undefined, undefined, true).catch(() => undefined);
  }

  /**
   * `onStart` learns the checkpoint's id once its barriers are injected (a stop's savepoint). `periodic`: triggered by the
   * interval, so its failure counts toward `tolerableCheckpointFailures` (one asked for is the caller's to handle, unless it expired).
   */
  trigger(kind: "checkpoint" | "savepoint", name?: string, onStart?: (id: number) => void, periodic = false): Promise<CheckpointMetadata> {
    const job = this.plan.jobName;
    if (this.coordinator === undefined) {
      if (this.options.checkpointStorage === undefined) {
        return Promise.reject(new ApiUsageError("Checkpointing is not enabled: call env.enableCheckpointing({ directory }) before execute()"));
      }
      // Enabled, and the job is starting (reading its checkpoint directory): the request waits for that, as one made a
      // moment later would not have to (it was refused as "not enabled": a card's Savepoint button pressed at once).
      if (!this.setUpDone) return this.setUpSettled.then(() => this.trigger(kind, name, onStart, periodic));
      const failure = this.host.failure();
      const why = failure === undefined ? "" : `: ${failure.message}`;
      return Promise.reject(new CheckpointError(`Job '${job}' could not set up checkpointing${why}`, { job }));
    }
    const status = this.host.status();
    if (status !== "running") return Promise.reject(new CheckpointError(`Job '${job}' is ${status}`, { job }));
    const record = this.history.started(kind, this.options.clock.now());
    const started = (id: number) => {
      record.id = id;
      onStart?.(id);
    };
    return this.coordinator.trigger(kind, name, started).then(
      (metadata) => {
        this.history.completed(record, metadata);
        this.stats.completed++;
        this.stats.lastPath = metadata.path;
        this.stats.lastId = metadata.id;
        if (periodic) this.failures.succeeded();
        return metadata;
      },
      (error: unknown) => {
        this.history.failed(record, error, this.options.clock.now());
        this.stats.failed++;
        if (error instanceof CheckpointError && error.durable !== undefined) Object.assign(this.stats, { lastPath: error.durable.path, lastId: error.durable.id });
        const counts = !this.host.over() && kind === "checkpoint" && (periodic || (error instanceof CheckpointError && error.expired));
        const fatal = counts ? this.failures.failed(error) : undefined;
        if (fatal !== undefined) this.host.fail(fatal);
        throw error;
      },
    );
  }

  /** The stats with the history of this attempt's checkpoints, for `JobMetrics.checkpoints`. */
  figures(): CheckpointStats {
    return { ...this.stats, history: this.history.list() };
  }
}
