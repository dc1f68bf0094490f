/**
 * Sluice engine: the API that notebook cells see.
 * This file only re-exports; each concept lives in its own folder.
 */
export const ENGINE_VERSION = "0.1.0";

// api/
export { StreamEnvironment, type EnvironmentOptions, type ExecuteOptions, type CheckpointingOptions } from "./api/StreamEnvironment.js";
export { DataStream, DataStreamSink, type TransformOptions } from "./api/DataStream.js";
export { KeyedStream } from "./api/KeyedStream.js";
export { WindowedStream } from "./api/WindowedStream.js";
export { AllWindowedStream, type AllWindowContext, type ProcessAllWindowFunction } from "./api/AllWindowedStream.js";
export type { NumericField } from "./api/keyedAggregations.js";
export { ConnectedStreams, KeyedConnectedStreams } from "./api/ConnectedStreams.js";
export { IntervalJoin, JoinedStreams, JoinWithKeys } from "./api/joins.js";
export type { CoProcessFunction } from "./operators/CoProcessOperator.js";
export type { IntervalJoinContext, ProcessJoinFunction } from "./operators/IntervalJoin.js";
export { OutputTag, DEAD_LETTERS } from "./api/OutputTag.js";
export type { Collector, MapFunction, FilterFunction, FlatMapFunction, KeySelector, ReduceFunction, ProcessFunction, ProcessContext } from "./api/functions.js";
export type { KeyedProcessFunction, KeyedCoProcessFunction, KeyedProcessContext, OnTimerContext, KeyedRuntimeContext, TimerService } from "./api/keyedFunctions.js";

// time/
export { Time, type Duration } from "./time/Time.js";
export { WatermarkStrategy, type TimestampAssigner } from "./time/WatermarkStrategy.js";
export {
  BoundedOutOfOrdernessWatermarks,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WatermarkGeneratorContext,
} from "./time/WatermarkGenerator.js";
export { MIN_WATERMARK, MAX_WATERMARK } from "./time/Watermark.js";
export type { SplitWatermark } from "./time/WatermarkMultiplexer.js";
export { SystemClock, type Clock } from "./time/Clock.js";

// windows/
export { TimeWindow, GLOBAL_WINDOW } from "./windows/TimeWindow.js";
export {
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  GlobalWindows,
  type WindowAssigner,
  type AlignedWindows,
} from "./windows/WindowAssigner.js";
export {
  EventTimeTrigger,
  ProcessingTimeTrigger,
  CountTrigger,
  PurgingTrigger,
  NeverTrigger,
  ContinuousEventTimeTrigger,
  type Trigger,
  type TriggerContext,
  type TriggerResult,
} from "./windows/Trigger.js";
export { Aggregators, type AggregateFunction, type Stats } from "./windows/AggregateFunction.js";
export type { ProcessWindowFunction, WindowContext, WindowResult } from "./windows/WindowFunction.js";

// state/
export type { ValueState, ListState, MapState, KeyedStateAccess } from "./state/State.js";

// operators/ (for custom operators via DataStream.transform)
export type { Operator, OperatorContext, Output, ErrorPolicy, DeadLetter } from "./operators/Operator.js";

// runtime/
export { JobHandle } from "./runtime/JobHandle.js";
export type { StopOptions, StopResult, JobThreads } from "./runtime/JobHandle.js";
export { executeModule, type ExecuteModuleOptions, type ModuleJob } from "./api/executeModule.js";
export type { JobResult } from "./runtime/JobResult.js";
export type {
  JobMetrics,
  OperatorMetrics,
  OperatorInput,
  SubtaskFigures,
  JobStatus,
  CheckpointStats,
  CheckpointRecord,
  RestartStats,
  ConnectorNotice,
  WatermarkHold,
  SourceSubtaskWatermark,
} from "./runtime/JobMetrics.js";
export type { ExecutionPlan } from "./graph/executionPlan.js";
export { RestartStrategies, type RestartStrategyConfiguration } from "./runtime/restart/RestartStrategies.js";
export type { RecordBatch } from "./runtime/StreamElement.js";

// connectors/ and sinks/
export type { Source, SourceReader, SourcePoll, SourceReaderContext } from "./connectors/Source.js";
export type { Sink, SinkWriter, SinkContext } from "./sinks/Sink.js";
export { END_OF_INPUT_COMMIT } from "./checkpoint/TwoPhaseCommit.js";
// Types only: `sinks.collect` / `sinks.latest` make them (one way to make a sink).
export type { CollectSink, LatestSink, ConsoleSinkOptions } from "./sinks/MemorySinks.js";
export { sinks } from "./sinks/sinks.js";
export type { FileSinkOptions, CsvSinkOptions } from "./sinks/FileSinks.js";
export { FileSource, type TailOptions } from "./connectors/file/FileSource.js";
export type { CsvOptions, JsonLinesOptions } from "./connectors/file/decoders.js";
export type { ColumnType } from "./connectors/file/csv.js";
export { DataGen } from "./connectors/datagen/DataGen.js";
export type { DataGenOptions } from "./connectors/datagen/DataGenSource.js";
export type { PageView, PageViewOptions } from "./connectors/datagen/PageViews.js";

// checkpoint/
export type { CheckpointMetadata, CheckpointData } from "./checkpoint/CheckpointData.js";
export { FileCheckpointStorage } from "./checkpoint/CheckpointStorage.js";

// errors/
export {
  SluiceError,
  PlanError,
  UserFunctionError,
  SourceError,
  ParseError,
  SinkError,
  MissingTimestampError,
  CheckpointError,
  ApiUsageError,
  type ErrorContext,
} from "./errors/errors.js";

// testing/
export { ManualClock } from "./testing/ManualClock.js";
export { TestSource } from "./testing/TestSource.js";
export { OperatorHarness, type HarnessOptions, type HarnessSnapshot } from "./testing/OperatorHarness.js";
export {
  checkSourceConformance,
  conformanceSeeds,
  formatConformanceTable,
  type ConformanceResult,
  type ConformanceRun,
  type SourceConformanceOptions,
} from "./testing/sourceConformance.js";
export { chaosSource, seededRandom, type ChaosOptions, type TriggerPoint } from "./testing/chaosSource.js";

// connectors/duckdb: the database SQL cells, the `sql` template and DuckDB sinks share (`duckdb.database()`)
export { sql } from "./connectors/duckdb/sharedDatabase.js";
export { SqlDatabase, SqlError, type SqlResult, type SqlColumn } from "./connectors/duckdb/SqlDatabase.js";
export { duckdb } from "./connectors/duckdb/duckdb.js";
export type { DuckDbTableOptions } from "./connectors/duckdb/DuckDbTableSink.js";
export type { ColumnKind } from "./connectors/duckdb/tableSchema.js";

// live views and charts: what a notebook shows and keeps updating while a job runs
export { chart } from "./charts/chart.js";
export { ChartSink } from "./charts/ChartSink.js";
export type { ChartOptions, TableOptions, Mark } from "./charts/chartTypes.js";
export { LIVE_VIEW, type LiveView } from "./live/LiveView.js";
// What a host (the kernel) uses is in host.ts ("sluice/host"), not here: cells must not reach it.

// connectors/kafka (kafkajs or @platformatic/kafka behind the KafkaClient interface; `library` picks one)
export { Kafka } from "./connectors/kafka/Kafka.js";
export type { KafkaSourceOptions, StartFrom } from "./connectors/kafka/KafkaSource.js";
export type { KafkaSinkOptions } from "./connectors/kafka/KafkaSink.js";
export type { KafkaLibrary } from "./connectors/kafka/clientChoice.js";
export type { KafkaSecurity } from "./connectors/kafka/security.js";
export { KafkaConnectorError, KafkaTransactionError, KafkaTopicMissingError, KafkaAuthenticationError, KafkaSourceStalledError } from "./connectors/kafka/errors.js";

// connectors/recording: record a live source to a file beside the notebook, replay it on later runs
export { recorded, RecordingError, type RecordedSource, type RecordingOptions, type RecordingMode, type RecordingCodec, type RecordingRun } from "./connectors/recording/index.js";

// connectors/nexmark: the stream benchmark's generator (Person/Auction/Bid), deterministic per seed
export { Nexmark, NexmarkGenerator, DEFAULT_NEXMARK_CONFIG, type NexmarkOptions, type NexmarkConfig, type NexmarkEvent, type Person, type Auction, type Bid } from "./connectors/nexmark/index.js";

// sql/ (Flink SQL on the engine: %%ssql)
export {
  SqlSession,
  formatTable as formatSqlTable,
  displayValue as displaySqlValue,
  StreamSqlError,
  SqlRestoreError,
  type StatementResult,
  type SqlSessionOptions,
  type Column as StreamSqlColumn,
  // DataStream ↔ SQL (Flink's StreamTableEnvironment), on the kernel-wide catalog %%ssql cells use
  StreamTableEnvironment,
  Table,
  Schema,
  SchemaBuilder,
  Row,
  defaultSqlSession,
  type RowKind,
  singleBundle,
  type ResultViewMode,
  type ResultViewOptions,
  type RenderRows,
  // user-defined functions: CREATE FUNCTION … AS 'class' resolves a class registered here
  registerFunctionClass,
  type ScalarFunction,
  type ScalarFunctionDefinition,
} from "./sql/index.js";

// connectors/flinkGateway (statements on a real Flink cluster: %%ssql --target flink)
export * as flinkGateway from "./connectors/flinkGateway/index.js";
export { ChangelogTableView, foldChangelog, type Change as SqlChange } from "./sql/index.js";

// cep/
export { Pattern, AfterMatchSkipStrategy, CEP, PatternStream, type Condition, type CepConditionContext, type PatternProcessFunction, type PatternContext } from "./cep/index.js";
