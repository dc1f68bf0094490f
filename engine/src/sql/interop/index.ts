// DataStream ↔ SQL, Flink's names (README: "SQL and DataStreams").
export { StreamTableEnvironment, Table, defaultSqlSession } from "./StreamTableEnvironment.js";
export { Schema, SchemaBuilder } from "./Schema.js";
export { Row } from "./Row.js";
