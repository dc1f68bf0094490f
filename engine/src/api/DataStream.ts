import { ApiUsageError } from "../errors/errors.js";
import type { Partitioning, PreAggregation, StreamEdge, StreamNode } from "../graph/StreamGraph.js";
import type { ErrorPolicy, OperatorFactory } from "../operators/Operator.js";
import { ProcessOperator } from "../operators/ProcessOperator.js";
import { SinkOperator } from "../operators/SinkOperator.js";
import { FilterOperator, FlatMapOperator, MapOperator, PassThroughOperator } from "../operators/StatelessOperators.js";
import { TimestampsAndWatermarksOperator } from "../operators/TimestampsAndWatermarksOperator.js";
import { consoleSink, type ConsoleSinkOptions } from "../sinks/MemorySinks.js";
import type { Sink } from "../sinks/Sink.js";
import type { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { CountTrigger, PurgingTrigger } from "../windows/Trigger.js";
import { GlobalWindows, type WindowAssigner } from "../windows/WindowAssigner.js";
import type { FilterFunction, FlatMapFunction, KeySelector, MapFunction, ProcessContext, ProcessFunction, Collector } from "./functions.js";
import { AllWindowedStream } from "./AllWindowedStream.js";
import { ConnectedStreams } from "./ConnectedStreams.js";
import { JoinedStreams } from "./joins.js";
import { KeyedStream } from "./KeyedStream.js";
import type { OutputTag } from "./OutputTag.js";
import type { StreamEnvironment } from "./StreamEnvironment.js";
import { StreamStep } from "./StreamStep.js";

/** Options of `DataStream.transform`. */
export interface TransformOptions {
  /** Needs a hash-partitioned input (keyed state, timers, windows). */
  keyed?: boolean;
  partitioning?: Partitioning;
  /** The operator's results wait for the watermark (e.g. "event-time window ..."): checked at plan time. */
  needsWatermarks?: string;
  /** The operator makes the watermarks downstream from this strategy (`generatesWatermarks`). */
  assignsWatermarks?: WatermarkStrategy<unknown>;
  /** A window aggregate's two phases, run where its keyed input crosses subtasks (graph/preAggregation.ts). */
  preAggregation?: PreAggregation;
}

/**
 * A stream of records of type `T`. Every method declares a new step and returns the resulting stream;
 * nothing runs until `env.execute()`.
 *
 * @example
 * env.fromArray([1, 2, 3, 4])
 *   .filter(x => x % 2 === 0).name("evens")
 *   .map(x => x * 10)
 *   .print();
 */
export class DataStream<T> extends StreamStep {
  /** @internal */
  constructor(
    readonly env: StreamEnvironment,
    node: StreamNode,
    /** @internal Side output of `node` this stream reads, if any. */ readonly tag: OutputTag<T> | undefined = undefined,
    /** @internal How the next operator reads this stream. */ readonly partitioning: Partitioning = { kind: "forward" },
  ) {
    super(node);
  }

  /** @internal Edge from this stream into a new node. */
  edge(inputIndex = 0, partitioning: Partitioning = this.partitioning): StreamEdge {
    return { from: this.node.id, tag: this.tag as OutputTag<unknown> | undefined, partitioning, inputIndex };
  }

  /** Declares a step with a custom `Operator`; the building block of every other method. */
  transform<R>(name: string, createOperator: OperatorFactory, options: TransformOptions = {}): DataStream<R> {
    const node = this.env.graph.add({
      kind: "operator",
      name,
      inputs: [this.edge(0, options.partitioning ?? this.partitioning)],
      keyed: options.keyed ?? false,
      createOperator,
      ...(options.needsWatermarks !== undefined ? { needsWatermarks: options.needsWatermarks } : {}),
      ...(options.assignsWatermarks !== undefined ? { assignsWatermarks: options.assignsWatermarks } : {}),
      ...(options.preAggregation !== undefined ? { preAggregation: options.preAggregation } : {}),
    });
    return new DataStream<R>(this.env, node);
  }

  map<R>(fn: MapFunction<T, R>): DataStream<R> {
    return this.transform<R>("map", (ctx) => new MapOperator(fn, ctx));
  }

  filter(fn: FilterFunction<T>): DataStream<T> {
    return this.transform<T>("filter", (ctx) => new FilterOperator(fn, ctx));
  }

  /** One record in, any number out: return an array/iterable, or call `out.collect(...)`. */
  flatMap<R>(fn: FlatMapFunction<T, R>): DataStream<R> {
    return this.transform<R>("flatMap", (ctx) => new FlatMapOperator(fn, ctx));
  }

  /** Per-record logic with timestamps and side outputs. Accepts a function or a `ProcessFunction` object. */
  process<R>(fn: ProcessFunction<T, R> | ((value: T, ctx: ProcessContext, out: Collector<R>) => void)): DataStream<R> {
    const pf: ProcessFunction<T, R> = typeof fn === "function" ? { processElement: fn } : fn;
    return this.transform<R>("process", (ctx) => new ProcessOperator(pf, ctx));
  }

  /** Partitions by key: records with equal keys go to the same subtask and share keyed state. */
  keyBy<K>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this, keySelector);
  }

  /** Windows over the whole stream, not per key: Flink's `windowAll`, run with parallelism 1 as in Flink. */
  windowAll(assigner: WindowAssigner): AllWindowedStream<T> {
    // One constant key puts every record in the one window of the (single) subtask, as Flink's NullByteKeySelector does.
    return new AllWindowedStream<T>(this.keyBy(() => 0).window(assigner));
  }

  /** Count windows over the whole stream: fire every `size` records (every `slide` records when given). */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T> {
    const windowed = this.windowAll(GlobalWindows.create());
    if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    return windowed.trigger(CountTrigger.of(slide)).evictToLast(size);
  }

  /** Merges streams of the same type. Order between inputs is not defined; watermarks are the minimum. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const other of others) if (other.env !== this.env) throw new ApiUsageError("union() needs streams of the same environment");
    const node = this.env.graph.add({
      kind: "operator",
      name: "union",
      inputs: [this, ...others].map((s) => s.edge(0)),
      keyed: false,
      createOperator: (ctx) => new PassThroughOperator(ctx),
    });
    return new DataStream<T>(this.env, node);
  }

  /** Processes this stream and `other` (of any type) in one operator: `connect(b).map(f1, f2)`, `.keyBy(k1, k2).process(...)`. */
  connect<B>(other: DataStream<B>): ConnectedStreams<T, B> {
    if (other.env !== this.env) throw new ApiUsageError("connect() needs streams of the same environment");
    return new ConnectedStreams<T, B>(this, other);
  }

  /** Window join with `other`: `.join(b).where(k1).equalTo(k2).window(assigner).apply((x, y) => ...)`. */
  join<B>(other: DataStream<B>): JoinedStreams<T, B> {
    return new JoinedStreams<T, B>(this, other);
  }

  /** Assigns event timestamps and generates watermarks in the middle of a pipeline. */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    return this.transform<T>("timestamps/watermarks", (ctx) => new TimestampsAndWatermarksOperator(strategy, ctx), {
      assignsWatermarks: strategy as WatermarkStrategy<unknown>,
    });
  }

  /** The records an operator sent to the side output `tag` (late data, dead letters, custom). */
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S> {
    if (this.tag !== undefined) throw new ApiUsageError("getSideOutput() must be called on an operator's main output");
    return new DataStream<S>(this.env, this.node, tag);
  }

  /** Round-robin the records over the next operator's subtasks. */
  rebalance(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, this.tag, { kind: "rebalance" });
  }

  /** Send every record to every subtask of the next operator. */
  broadcast(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, this.tag, { kind: "broadcast" });
  }

  /** Send every record to the first subtask of the next operator. */
  global(): DataStream<T> {
    return new DataStream<T>(this.env, this.node, this.tag, { kind: "global" });
  }

  setMaxParallelism(maxParallelism: number): this {
    this.node.maxParallelism = maxParallelism;
    return this;
  }

  /** Error policy of the last step: `fail` the job, or route failing records to dead letters. */
  onError(policy: ErrorPolicy): this {
    this.node.errorPolicy = policy;
    return this;
  }

  /** Ends the stream in `sink`. */
  sinkTo(sink: Sink<T>): DataStreamSink {
    const node = this.env.graph.add({
      kind: "sink",
      name: sink.name,
      inputs: [this.edge(0)],
      keyed: false,
      createOperator: (ctx) => new SinkOperator(sink, ctx),
      sink: sink as Sink<unknown>,
      ...(sink.maxParallelism !== undefined ? { connectorMaxParallelism: sink.maxParallelism } : {}),
    });
    return new DataStreamSink(node);
  }

  /** Prints every record (to stdout, which a notebook shows under the cell). */
  print(options: ConsoleSinkOptions<T> | string = {}): DataStreamSink {
    return this.sinkTo(consoleSink(typeof options === "string" ? { prefix: options } : options));
  }

  /**
   * Runs this stream as a job and returns its records: all of them for a bounded stream, or the first
   * `limit` (then the job is cancelled) — handy to peek at an unbounded stream in a notebook.
   * Also runs any other sink declared since the last `execute()`.
   *
   * @example
   * const rows = await env.fromArray([3, 1, 2]).map(x => x + 1).executeAndCollect(); // [4, 2, 3]
   * const sample = await env.fromSource(DataGen.pageViews()).executeAndCollect("peek", { limit: 5 });
   */
  async executeAndCollect(jobName = "collect", options: { limit?: number } = {}): Promise<T[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const values: T[] = [];
    let reached: () => void = () => {};
    const enough = new Promise<void>((resolve) => (reached = resolve));
    this.sinkTo({
      name: "collect",
      maxParallelism: 1,
      createWriter: () => ({
        write(batch) {
          for (const v of batch) if (values.length < limit) values.push(v);
          if (values.length >= limit) reached();
        },
      }),
    });
    const job = this.env.execute(jobName);
    await Promise.race([job.done, enough]);
    if (job.result === undefined) await job.cancel();
    await job.wait();
    return values;
  }
}

/** The end of a stream; lets the sink step be named and sized. */
export class DataStreamSink extends StreamStep {}
