import { FileCheckpointStorage } from "../checkpoint/CheckpointStorage.js";
import type { Source } from "../connectors/Source.js";
import { arraySource, asyncIterableSource, iterableSource } from "../connectors/collection/CollectionSources.js";
import { ApiUsageError } from "../errors/errors.js";
import { buildPlan, type PlanDefaults } from "../graph/JobPlan.js";
import { type ExecutionPlan, executionPlan } from "../graph/executionPlan.js";
import { StreamGraph } from "../graph/StreamGraph.js";
import type { DeadLetter, ErrorPolicy } from "../operators/Operator.js";
import { PassThroughOperator } from "../operators/StatelessOperators.js";
import { JobHandle } from "../runtime/JobHandle.js";
import { JobRunner } from "../runtime/JobRunner.js";
import type { RuntimeOptions } from "../runtime/RuntimeOptions.js";
import { allJobs } from "../runtime/jobRegistry.js";
import { RestartingJob } from "../runtime/restart/RestartingJob.js";
import { highestParallelism, workerThreadCount } from "../runtime/workers/threadCount.js";
import { createRestartBackoff, defaultRestartStrategy, type RestartStrategyConfiguration } from "../runtime/restart/RestartStrategies.js";
import { DeadLetterLog } from "../runtime/SubtaskContext.js";
import { SystemClock, type Clock } from "../time/Clock.js";
import type { Duration } from "../time/Time.js";
import type { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { DataStream } from "./DataStream.js";
import { validateParallelism } from "./StreamStep.js";

/** Settings of a `StreamEnvironment`. All optional. */
export interface EnvironmentOptions {
  /** Default parallelism of operators (subtasks per operator). Default 1. */
  parallelism?: number;
  /** Key groups: the upper bound for scaling keyed operators. Default 128. */
  maxParallelism?: number;
  /** Processing-time source. Default: the system clock. Tests pass a `ManualClock`. */
  clock?: Clock;
  /** Records per source poll, i.e. the micro-batch size. Default 1024. */
  batchSize?: number;
  /**
   * Records a channel between two subtasks holds before the producer pauses. Default 1 × batchSize: the
   * producer sends a batch, the consumer takes it before the next one. Fewer records in flight means less
   * for each young-generation GC to copy (Nexmark q4/q5/q8 ran 1.5–2× faster at 2 × than at 4 ×, and
   * q0–q8 another ~0–10% per CPU-second at 1 × than at 2 ×, bench/nexmark/RESULTS.md, session 8).
   */
  channelCapacity?: number;
  /** How often watermark generators are asked for a watermark while a source waits. Default 200 ms. */
  autoWatermarkInterval?: Duration;
  /** What a throwing user function does to the job. Default `fail`. */
  errorPolicy?: ErrorPolicy;
  /** Dead letters kept in memory per job for `job.deadLetters()`. Default 1000. */
  deadLetterRetention?: number;
  /** Wall-clock ms a job runs before yielding to the event loop. Default 2. */
  timeSliceMs?: number;
  /**
   * How long a failed or cancelled job waits for a sink write, commit or close still under way
   * before it ends (or restarts) without it. Default 180 s, as Flink's `task.cancellation.timeout`.
   */
  taskCancellationTimeout?: Duration;
}

/** Options of `env.enableCheckpointing()`. */
export interface CheckpointingOptions {
  directory: string;
  /** Processing time between automatic checkpoints; without it, only `job.checkpoint()` takes them. */
  interval?: Duration;
  /** Completed checkpoints kept in the directory (savepoints are never pruned). Default 3. */
  retain?: number;
  /**
   * A checkpoint not complete (every operator acknowledged, file written, transactions committed)
   * this long after it started fails, naming the operators it waits for. Default 10 minutes, as Flink's
   * `execution.checkpointing.timeout`.
   */
  checkpointTimeout?: Duration;
  /**
   * Checkpoint failures in a row the job tolerates before it fails (and its restart strategy takes
   * over). Default 0, as Flink: a checkpoint that fails or times out fails the job.
   */
  tolerableCheckpointFailures?: number;
}

interface CheckpointSettings {
  storage: FileCheckpointStorage;
  interval: Duration | undefined;
  timeout: Duration;
  tolerableFailures: number;
}

/** Options of `env.execute()`. */
export interface ExecuteOptions {
  /**
   * Start from saved state: `"latest"` (newest checkpoint in the checkpoint directory), a savepoint
   * name, or a checkpoint file path. Operators are matched by `.uid()` (default: name and position).
   */
  restoreFrom?: string;
  /** Allow the checkpoint to hold state of operators the job no longer has (it is dropped). */
  allowNonRestoredState?: boolean;
  /** Runs the subtasks on worker threads (`runtime/workers/`: a job a worker can rebuild, such as SQL's). */
  placement?: RuntimeOptions["placement"];
  /** Without `placement` at parallelism above 1: why the job runs on one thread (`JobThreads`), when not because it was declared in place. */
  oneThreadReason?: string | undefined;
}

/**
 * Where a pipeline is declared and run. Declaring streams does nothing until `execute()`.
 *
 * @example
 * const env = StreamEnvironment.create({ parallelism: 2 });
 * const out = sinks.collect<string>();
 * env.fromArray(["a b", "b c"]).flatMap(line => line.split(" ")).sinkTo(out);
 * const job = env.execute("words");   // returns at once
 * await job.wait();                   // out.values: ["a", "b", "b", "c"]
 */
export class StreamEnvironment {
  /** @internal Transformations declared so far. */
  readonly graph = new StreamGraph();
  private readonly settings: Required<Omit<EnvironmentOptions, "clock" | "channelCapacity">> & { channelCapacity: number | undefined };
  readonly clock: Clock;
  private readonly started = new WeakSet<JobHandle>();
  private deadLetterStream: DataStream<DeadLetter> | undefined;
  private checkpointing: CheckpointSettings | undefined;
  private restartStrategy: RestartStrategyConfiguration | undefined;
  private windowPreAggregation = true;

  private constructor(options: EnvironmentOptions) {
    this.clock = options.clock ?? new SystemClock();
    this.settings = {
      parallelism: options.parallelism ?? 1,
      maxParallelism: options.maxParallelism ?? 128,
      batchSize: options.batchSize ?? 1024,
      channelCapacity: options.channelCapacity,
      autoWatermarkInterval: options.autoWatermarkInterval ?? 200,
      errorPolicy: options.errorPolicy ?? "fail",
      deadLetterRetention: options.deadLetterRetention ?? 1000,
      timeSliceMs: options.timeSliceMs ?? 2,
      taskCancellationTimeout: options.taskCancellationTimeout ?? 180_000,
    };
    for (const [name, value] of Object.entries({ parallelism: this.settings.parallelism, batchSize: this.settings.batchSize })) {
      if (!Number.isInteger(value) || value < 1) throw new ApiUsageError(`${name} must be a positive integer, got ${value}`);
    }
  }

  /**
   * Jobs started from this environment, oldest first: the running ones and the most recent finished
   * ones. The process keeps one list of jobs with one retention rule (`allJobs()`); this is that
   * list filtered to this environment, so a finished job dropped there (with its operator state)
   * is not kept alive here.
   */
  get jobs(): JobHandle[] {
    return allJobs().filter((j) => this.started.has(j));
  }

  static create(options: EnvironmentOptions = {}): StreamEnvironment {
    return new StreamEnvironment(options);
  }

  get parallelism(): number {
    return this.settings.parallelism;
  }

  setParallelism(parallelism: number): this {
    validateParallelism(parallelism);
    this.settings.parallelism = parallelism;
    return this;
  }

  /**
   * Runs every window aggregate in one phase. By default, where a window's keyed input crosses subtasks
   * (parallelism > 1), an `aggregate`/`reduce`/`count` over event-time tumbling or sliding windows runs in two, as
   * Flink SQL plans its window aggregates: each input subtask folds its records per key and slide and sends one
   * partial per key and slide across the exchange, not every record. Results are the same; the window's metrics
   * count partials. For comparing with Flink's DataStream runtime record for record, or to see each record cross.
   */
  disableWindowPreAggregation(): this {
    this.windowPreAggregation = false;
    return this;
  }

  /** Default error policy for every operator; override per operator with `.onError(policy)`. */
  setErrorPolicy(policy: ErrorPolicy): this {
    this.settings.errorPolicy = policy;
    return this;
  }

  /**
   * Turns on checkpoints: aligned barriers, snapshots of source positions, keyed state, window contents,
   * timers and watermarks, written atomically to `directory`. With `interval`, taken periodically;
   * always available on demand through `job.checkpoint()` / `job.savepoint(name)`.
   *
   * @example
   * env.enableCheckpointing({ directory: "./checkpoints", interval: Time.seconds(10) });
   * const job = env.execute("counts", { restoreFrom: "latest" });   // after a crash
   */
  enableCheckpointing(options: CheckpointingOptions): this {
    if (options.interval !== undefined && !(options.interval > 0)) throw new ApiUsageError(`checkpoint interval must be > 0, got ${options.interval}`);
    const timeout = options.checkpointTimeout ?? 600_000;
    if (!(timeout > 0)) throw new ApiUsageError(`checkpointTimeout must be > 0, got ${timeout}`);
    const tolerable = options.tolerableCheckpointFailures ?? 0;
    if (!Number.isInteger(tolerable) || tolerable < 0) throw new ApiUsageError(`tolerableCheckpointFailures must be an integer >= 0, got ${tolerable}`);
    this.checkpointing = { storage: new FileCheckpointStorage(options.directory, options.retain ?? 3), interval: options.interval, timeout, tolerableFailures: tolerable };
    return this;
  }

  /**
   * What a job does when it fails (Flink's restart strategies). Without a call: with checkpointing,
   * `exponentialDelayRestart()` with Flink's defaults (1 s doubling by 1.5 up to 1 min); without, no
   * restart. A restart builds fresh sources, operators and sinks, restored from the latest completed
   * checkpoint (or the job's `restoreFrom`, or nothing); `job.done` resolves only when the job is over.
   *
   * @example
   * env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, Time.seconds(5)));
   */
  setRestartStrategy(strategy: RestartStrategyConfiguration): this {
    this.restartStrategy = strategy;
    return this;
  }

  /** A bounded stream of the given values, in order. */
  fromArray<T>(values: readonly T[], name = "fromArray"): DataStream<T> {
    return this.fromSource(arraySource(values, name), undefined, name);
  }

  fromElements<T>(...values: T[]): DataStream<T> {
    return this.fromArray(values, "fromElements");
  }

  /** A stream over a (possibly infinite) iterable such as a generator. */
  fromIterable<T>(iterable: Iterable<T>, name = "fromIterable"): DataStream<T> {
    return this.fromSource(iterableSource(iterable, name), undefined, name);
  }

  fromAsyncIterable<T>(iterable: AsyncIterable<T>, name = "fromAsyncIterable"): DataStream<T> {
    return this.fromSource(asyncIterableSource(iterable, name), undefined, name);
  }

  /**
   * A stream from any `Source`, with event timestamps and watermarks from `strategy`.
   *
   * @example
   * env.fromSource(DataGen.pageViews({ rate: 500 }),
   *   WatermarkStrategy.forBoundedOutOfOrderness<PageView>(Time.seconds(2)).withTimestampAssigner(e => e.ts))
   */
  fromSource<T>(source: Source<T>, strategy?: WatermarkStrategy<T>, name?: string): DataStream<T> {
    const spec = { source: source as Source<unknown>, strategy: strategy as WatermarkStrategy<unknown> | undefined };
    const node = this.graph.add({
      kind: "source",
      name: name ?? source.name,
      inputs: [],
      keyed: false,
      source: spec,
      ...(source.maxParallelism !== undefined ? { connectorMaxParallelism: source.maxParallelism } : {}),
    });
    return new DataStream<T>(this, node);
  }

  /**
   * Every record routed away under the `dead-letter` error policy, from every operator and source of
   * the job, with the reason.
   *
   * @example
   * env.setErrorPolicy("dead-letter");
   * env.deadLetters().sinkTo(sinks.console({ prefix: "dead" }));
   */
  deadLetters(): DataStream<DeadLetter> {
    if (this.deadLetterStream === undefined) {
      const node = this.graph.add({ kind: "dead-letters", name: "dead-letters", inputs: [], keyed: false, createOperator: (ctx) => new PassThroughOperator(ctx) });
      this.deadLetterStream = new DataStream<DeadLetter>(this, node);
    }
    return this.deadLetterStream;
  }

  /**
   * The job `execute()` would start now, planned but not started (Flink's `env.getExecutionPlan()`):
   * its operators, as text, and as a picture, which a notebook shows. Throws `PlanError` as
   * `execute()` would.
   *
   * ```ts
   * env.fromElements(1, 2, 3).map((x) => x * 2).print();
   * env.explain();          // the graph: fromElements → map → Sink: print
   * const job = env.execute("doubles");
   * ```
   */
  explain(jobName = "job"): ExecutionPlan {
    return executionPlan(buildPlan(jobName, this.graph, this.graph.pendingSinks(), this.planDefaults()));
  }

  /** @internal What `execute()` plans with (a worker thread plans the module's job again with the same). */
  planDefaults(): PlanDefaults {
    return {
      parallelism: this.settings.parallelism,
      maxParallelism: this.settings.maxParallelism,
      errorPolicy: this.settings.errorPolicy,
      windowPreAggregation: this.windowPreAggregation,
    };
  }

  /**
   * Starts every sink declared since the last `execute()` (and what feeds them) as one job.
   * Returns at once; the job runs in the background. Throws `PlanError` if the pipeline is invalid.
   */
  execute(jobName = "job", options: ExecuteOptions = {}): JobHandle {
    const sinks = this.graph.takePendingSinks();
    const plan = buildPlan(jobName, this.graph, sinks, this.planDefaults());
    const deadLetterLog = new DeadLetterLog(this.settings.deadLetterRetention);
    const newAttempt = (restoreFrom: string | undefined, sinkStatesAtStart?: ReadonlyMap<string, unknown>) =>
      new JobRunner(plan, {
        clock: this.clock,
        batchSize: this.settings.batchSize,
        channelCapacity: this.settings.channelCapacity ?? this.settings.batchSize,
        autoWatermarkInterval: this.settings.autoWatermarkInterval,
        deadLetterRetention: this.settings.deadLetterRetention,
        timeSliceMs: this.settings.timeSliceMs,
        taskCancellationTimeout: this.settings.taskCancellationTimeout,
        checkpointStorage: this.checkpointing?.storage,
        checkpointInterval: this.checkpointing?.interval,
        checkpointTimeout: this.checkpointing?.timeout,
        tolerableCheckpointFailures: this.checkpointing?.tolerableFailures,
        restoreFrom,
        allowNonRestoredState: options.allowNonRestoredState,
        placement: options.placement,
        deadLetterLog,
        sinkStatesAtStart,
      });
    const strategy = this.restartStrategy ?? defaultRestartStrategy(this.checkpointing !== undefined);
    const job = new RestartingJob(plan, newAttempt, createRestartBackoff(strategy), this.clock, options.restoreFrom, deadLetterLog);
    const parallelism = highestParallelism(plan);
    const workers = options.placement !== undefined ? workerThreadCount(plan) : 0;
    const handle = new JobHandle(jobName, job, { parallelism, workers, ...(workers === 0 && options.oneThreadReason !== undefined ? { oneThreadReason: options.oneThreadReason } : {}) });
    this.started.add(handle);
    return handle;
  }

  /** Cancels every job of this environment that is still running. */
  async cancelAll(): Promise<void> {
    await Promise.all(this.jobs.filter((j) => j.result === undefined).map((j) => j.cancel()));
  }
}
