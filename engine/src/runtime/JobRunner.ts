import type { CheckpointData, CheckpointMetadata } from "../checkpoint/CheckpointData.js";
import { CheckpointCoordinator } from "../checkpoint/CheckpointCoordinator.js";
import { checkpointParticipant } from "../checkpoint/checkpointParticipant.js";
import type { FileCheckpointStorage } from "../checkpoint/CheckpointStorage.js";
import { ApiUsageError, CheckpointError, SinkError, SluiceError, SourceError, UserFunctionError } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import type { JobPlan, PlanEdge, PlanNode } from "../graph/JobPlan.js";
import type { Clock } from "../time/Clock.js";
import { Channel } from "./Channel.js";
import { restoreTasks } from "../checkpoint/restoreTasks.js";
import { collectMetrics } from "./collectMetrics.js";
import { commitEndOfInput } from "./endOfInput.js";
import type { JobMetrics, JobStatus } from "./JobMetrics.js";
import type { JobResult } from "./JobResult.js";
import { OperatorTask } from "./OperatorTask.js";
import { OutputRouter, type OutEdge } from "./OutputRouter.js";
import { SourceTask } from "./SourceTask.js";
import { DeadLetterLog, SubtaskContext } from "./SubtaskContext.js";

export interface RuntimeOptions {
  clock: Clock;
  /** Records per source poll. */
  batchSize: number;
  /** Records a channel holds before its producer pauses. */
  channelCapacity: number;
  /** Processing-time ms between watermark generator calls while a source waits. */
  autoWatermarkInterval: number;
  /** Dead letters kept in memory for `job.deadLetters()`. */
  deadLetterRetention: number;
  /** Wall-clock ms the scheduler runs before yielding to the event loop. */
  timeSliceMs: number;
  /** Where checkpoints go; without it `checkpoint()` is refused. */
  checkpointStorage?: FileCheckpointStorage | undefined;
  /** Processing-time ms between automatic checkpoints; undefined = only when asked. */
  checkpointInterval?: number | undefined;
  /** Start from this checkpoint: `latest` in the storage, a savepoint name, or a path. */
  restoreFrom?: string | undefined;
  /** Accept checkpoints holding state of operators this job no longer has. */
  allowNonRestoredState?: boolean | undefined;
}

export type Task = SourceTask | OperatorTask;

/** Elements a task processes in a row before the scheduler moves on (keeps queues short and fair). */
const STEPS_PER_TURN = 8;

/**
 * Runs every subtask of a job cooperatively on the current thread. Each turn it fires due
 * processing-time timers, then lets runnable tasks (downstream first, so queues drain) take a few
 * steps. It yields to the event loop every `timeSliceMs` and sleeps when nothing can run until a
 * reader, sink, or clock wakes it.
 */
export class JobRunner {
  status: JobStatus = "created";
  private readonly tasks: Task[] = [];
  private readonly taskNodes = new Map<Task, PlanNode>();
  readonly deadLetters: DeadLetterLog;
  private failure: SluiceError | undefined;
  private cancelled = false;
  private wakeUp: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private startedAt = 0;
  private endedAt: number | undefined;
  private coordinator: CheckpointCoordinator | undefined;
  private nextCheckpointAt = Number.POSITIVE_INFINITY;
  /** Restored from (checkpoint id), completed and failed checkpoints, for metrics. */
  readonly checkpointStats = { restoredFrom: undefined as number | undefined, completed: 0, failed: 0, lastPath: undefined as string | undefined };

  constructor(
    readonly plan: JobPlan,
    private readonly options: RuntimeOptions,
  ) {
    this.deadLetters = new DeadLetterLog(options.deadLetterRetention);
    this.build();
  }

  private build(): void {
    const { plan, options } = this;
    // Channels per edge, indexed [producer subtask][consumer subtask].
    const channels = new Map<PlanEdge, Channel[][]>();
    for (const node of plan.nodes) {
      for (const edge of node.inputs) {
        const grid: Channel[][] = [];
        for (let i = 0; i < edge.from.parallelism; i++) {
          const row: Channel[] = [];
          for (let j = 0; j < node.parallelism; j++) row.push(new Channel(options.channelCapacity, 64));
          grid.push(row);
        }
        channels.set(edge, grid);
      }
    }
    const operatorTasks = new Map<PlanNode, OperatorTask[]>();
    for (const node of plan.nodes) {
      const subtasks: OperatorTask[] = [];
      for (let s = 0; s < node.parallelism; s++) {
        const outEdges: OutEdge[] = node.outputs.map((edge) => {
          const row = channels.get(edge)![s]!;
          const kind = edge.partitioning.kind;
          const targets = kind === "forward" ? [row[s]!] : kind === "global" ? [row[0]!] : row;
          return {
            tagId: edge.tag?.id,
            partitioning: edge.partitioning,
            channels: targets,
            maxParallelism: edge.to.maxParallelism,
            keyError: (cause, value, timestamp) => this.keyError(edge.to, cause, value, timestamp),
          };
        });
        const router = new OutputRouter<unknown>(outEdges);
        const identity = {
          jobName: plan.jobName,
          operatorName: node.name,
          operatorId: node.id,
          subtask: s,
          parallelism: node.parallelism,
          maxParallelism: node.maxParallelism,
          errorPolicy: node.errorPolicy,
        };
        const ctx = new SubtaskContext<unknown>(identity, options.clock, router, this.deadLetters);
        let task: Task;
        if (node.node.kind === "source") {
          const { source, strategy } = node.node.source!;
          const reader = source.createReader({
            subtask: s,
            parallelism: node.parallelism,
            clock: options.clock,
            jobName: plan.jobName,
            badRecord: (reason, raw, position) => ctx.parseFailure(reason, raw, position),
          });
          // A factory: readers made of splits get one generator per split (see SourceTask).
          const newGenerator = strategy === undefined ? undefined : () => strategy.createWatermarkGenerator({ clock: options.clock });
          const wake = (error?: unknown) => this.onAsyncSettled(task, error);
          task = new SourceTask(ctx, reader, newGenerator, strategy?.timestampAssigner, router, options.batchSize, options.autoWatermarkInterval, wake);
        } else {
          const operator = node.node.createOperator!(ctx);
          const wake = (error?: unknown) => this.onAsyncSettled(task, error);
          const opTask = new OperatorTask(ctx, operator, router, wake);
          subtasks.push(opTask);
          task = opTask;
        }
        this.tasks.push(task);
        this.taskNodes.set(task, node);
      }
      operatorTasks.set(node, subtasks);
    }
    for (const node of plan.nodes) {
      for (const edge of node.inputs) {
        const grid = channels.get(edge)!;
        const consumers = operatorTasks.get(node)!;
        const kind = edge.partitioning.kind;
        for (let i = 0; i < grid.length; i++) {
          for (let j = 0; j < consumers.length; j++) {
            // Only wire the channels the producer actually writes to, or the consumer would wait forever for an end marker.
            if (kind === "forward" && i !== j) continue;
            if (kind === "global" && j !== 0) continue;
            consumers[j]!.addInput(grid[i]![j]!, edge.inputIndex);
          }
        }
      }
    }
  }

  private keyError(consumer: PlanNode, cause: unknown, value: unknown, timestamp: number): void {
    // Key selectors run while routing, i.e. in the producer; the error names the keyed consumer.
    const task = this.tasks.find((t) => this.taskNodes.get(t) === consumer)!;
    task.ctx.userError(cause, value, timestamp);
  }

  private onAsyncSettled(task: Task, error: unknown): void {
    if (error !== undefined) this.fail(error, task);
    this.notify();
  }

  notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  cancel(): void {
    this.cancelled = true;
    this.notify();
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
    this.failure = this.wrap(error, task);
    this.notify();
  }

  private wrap(error: unknown, task: Task | undefined): SluiceError {
    if (error instanceof SluiceError) return error;
    const node = task !== undefined ? this.taskNodes.get(task) : undefined;
    const ctx = { job: this.plan.jobName, ...(node ? { operator: node.name, subtask: task!.ctx.subtask } : {}) };
    if (node?.node.kind === "source") return new SourceError(messages.sourceFailed(ctx, error), ctx, { cause: error });
    if (node?.node.kind === "sink") return new SinkError(messages.sinkFailed(ctx, error), ctx, { cause: error });
    return new UserFunctionError(messages.userFunctionFailed(ctx, error), ctx, { cause: error });
  }

  async run(): Promise<JobResult> {
    const clock = this.options.clock;
    this.startedAt = clock.now();
    this.status = "running";
    try {
      await this.setUpCheckpointing();
      if (this.failure === undefined) await this.open();
      if (this.failure === undefined) await this.loop();
      if (this.failure === undefined && !this.cancelled) {
        const checkpoint = this.coordinator === undefined ? undefined : () => this.triggerCheckpoint("checkpoint");
        await commitEndOfInput(this.plan.jobName, this.tasks, checkpoint, (error, task) => this.fail(error, task));
      }
    } catch (error) {
      this.fail(error, undefined);
    }
    this.coordinator?.abort(this.failure?.message ?? (this.cancelled ? "job cancelled" : "job finished"));
    // A checkpoint being written still commits (or not) before sinks close; then, on failure or
    // cancel, two-phase-commit sinks drop what no checkpoint committed.
    await this.coordinator?.drain();
    // Cancel and failure stop the loop, not a write already under way: let it finish first.
    for (const task of this.tasks) if (task.kind === "operator") await task.settled();
    if (this.failure !== undefined || this.cancelled) {
      for (const task of this.tasks) if (task.kind === "operator") await task.abortUncommitted();
    }
    await this.close();
    this.status = this.failure !== undefined ? "failed" : this.cancelled ? "cancelled" : "finished";
    this.endedAt = clock.now();
    this.releaseIdleWaiters();
    return { jobName: this.plan.jobName, status: this.status, error: this.failure, metrics: this.metrics() };
  }

  private async setUpCheckpointing(): Promise<void> {
    const { checkpointStorage: storage, restoreFrom } = this.options;
    let restored: CheckpointData | undefined;
    if (restoreFrom !== undefined) {
      if (storage === undefined) throw new ApiUsageError("restoring needs checkpoint storage: env.enableCheckpointing({ directory })");
      restored = restoreFrom === "latest" ? await storage.latest() : await storage.load(restoreFrom);
      if (restored === undefined) throw new CheckpointError(`No checkpoint to restore from in ${storage.directory}`, { job: this.plan.jobName, source: storage.directory });
      restoreTasks(restored, this.plan, this.tasks, this.taskNodes, this.options.allowNonRestoredState === true);
      this.checkpointStats.restoredFrom = restored.id;
    }
    if (storage === undefined) return;
    // Continue numbering after everything in the directory, so a restore from an older savepoint never overwrites newer files.
    const firstId = Math.max(restored?.id ?? 0, (await storage.checkpointIds()).at(-1) ?? 0) + 1;
    const coordinator = new CheckpointCoordinator(this.plan, storage, this.options.clock, () => this.notify(), firstId);
    const participants = this.tasks.map((task) => {
      const participant = checkpointParticipant(task, this.taskNodes.get(task)!);
      task.acknowledge = (id, snapshot) => coordinator.acknowledge(participant, id, snapshot);
      if (task.kind === "source") task.tracksPositions = true;
      return participant;
    });
    coordinator.register(participants);
    this.coordinator = coordinator;
    if (this.options.checkpointInterval !== undefined) this.nextCheckpointAt = this.options.clock.now() + this.options.checkpointInterval;
  }

  triggerCheckpoint(kind: "checkpoint" | "savepoint", name?: string): Promise<CheckpointMetadata> {
    if (this.coordinator === undefined) {
      return Promise.reject(new ApiUsageError("Checkpointing is not enabled: call env.enableCheckpointing({ directory }) before execute()"));
    }
    if (this.status !== "running") return Promise.reject(new CheckpointError(`Job '${this.plan.jobName}' is ${this.status}`, { job: this.plan.jobName }));
    return this.coordinator.trigger(kind, name).then(
      (metadata) => {
        this.checkpointStats.completed++;
        this.checkpointStats.lastPath = metadata.path;
        return metadata;
      },
      (error: unknown) => {
        this.checkpointStats.failed++;
        throw error;
      },
    );
  }

  private async open(): Promise<void> {
    // One task after another, in plan and subtask order. Exactly-once Kafka sinks rely on it after a
    // scale-up: subtask 0 commits the transactions every old subtask prepared (recoverCommittables,
    // in its open) before subtask k > 0 opens and fences its own transactional id.
    for (const task of this.tasks) {
      try {
        if (task.kind === "source") await task.reader.open?.();
        else await task.operator.open?.();
      } catch (error) {
        this.fail(error, task);
        return;
      }
    }
    for (const task of this.tasks) if (task.kind === "operator") task.start();
  }

  private async loop(): Promise<void> {
    const clock = this.options.clock;
    let sliceStart = performance.now();
    // Downstream first: draining queues before refilling them keeps memory flat.
    const order = [...this.tasks].reverse();
    for (;;) {
      if (this.failure !== undefined || this.cancelled) return;
      const now = clock.now();
      if (now >= this.nextCheckpointAt) {
        this.nextCheckpointAt = now + this.options.checkpointInterval!;
        // Periodic checkpoints that fail are counted in metrics; the job goes on (as in Flink by default).
        if (!this.coordinator!.inProgress) this.triggerCheckpoint("checkpoint").catch(() => undefined);
      }
      let current: Task | undefined;
      let progressed = false;
      let allFinished = true;
      try {
        for (const task of order) {
          current = task;
          if (task.kind === "source" ? task.periodic(now) : task.fireProcessingTime(now)) progressed = true;
          let steps = 0;
          while (steps < STEPS_PER_TURN && (task.kind === "source" ? task.canRun(now) : task.canRun())) {
            task.runOnce(now);
            steps++;
          }
          if (steps > 0) progressed = true;
          if (!task.finished) allFinished = false;
          if (this.failure !== undefined) return;
        }
      } catch (error) {
        this.fail(error, current);
        return;
      }
      // Tasks that finished during a checkpoint take part with their final state.
      if (this.coordinator?.inProgress === true) this.coordinator.acknowledgeFinished();
      if (allFinished) return;
      if (performance.now() - sliceStart >= this.options.timeSliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      } else if (!progressed) {
        await this.sleep();
        sliceStart = performance.now();
      }
    }
  }

  /** Waits until an async reader/writer settles, cancel() is called, or the next timer/poll deadline passes. */
  private async sleep(): Promise<void> {
    let deadline = this.nextCheckpointAt;
    for (const task of this.tasks) {
      const at = task.kind === "source" ? task.nextWakeUp() : task.nextProcessingTime();
      if (at < deadline) deadline = at;
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
      try {
        if (task.kind === "source") await task.reader.close?.();
        else await task.operator.close?.();
      } catch (error) {
        // A close failure after success still fails the job; after a failure it is secondary.
        this.fail(error, task);
      }
    }
  }

  metrics(): JobMetrics {
    return collectMetrics(this.plan, this.tasks, this.taskNodes, {
      status: this.status,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      deadLetters: this.deadLetters.total,
      checkpoints: { ...this.checkpointStats },
    });
  }
}
