export { FlinkGatewayError, flinkRootCause } from "./errors.js";
export type { HttpOptions } from "./http.js";
export { type JobCheckpoints, type JobDetails, type JobPlan, type JobState, type SavepointResult, type VertexBackPressure, FlinkRestClient, jobRecords } from "./FlinkRestClient.js";
export {
  type ChangelogRow,
  type ColumnInfo,
  type GatewayOptions,
  type ResultPage,
  type ResultType,
  type RowKind,
  type StatementResult,
  FlinkOperation,
  FlinkSession,
  FlinkSqlGateway,
} from "./FlinkSqlGateway.js";
export { type FlinkResultSourceOptions, flinkResultSource, toChange } from "./FlinkResultSource.js";
export { flinkDisplayRow, flinkDisplayValue } from "./values.js";
