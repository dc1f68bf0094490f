/**
 * Sluice engine: the API that notebook cells see.
 * This file only re-exports; each concept lives in its own folder.
 */
export const ENGINE_VERSION = "0.1.0";

// connectors/duckdb: the database SQL cells, the `sql` template and DuckDB sinks share
export { sql, query, sharedDatabase, openSharedDatabase } from "./connectors/duckdb/sharedDatabase.js";
export { SqlDatabase, SqlError, type SqlResult, type SqlColumn } from "./connectors/duckdb/SqlDatabase.js";
export { duckdb } from "./connectors/duckdb/duckdb.js";
export type { DuckDbTableOptions } from "./connectors/duckdb/DuckDbTableSink.js";
export type { ColumnKind } from "./connectors/duckdb/tableSchema.js";
