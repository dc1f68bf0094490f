import { duckdbTable } from "./DuckDbTableSink.js";
import { openSharedDatabase, query, sharedDatabase } from "./sharedDatabase.js";
import { sqlSource } from "./sqlSource.js";

/**
 * DuckDB from cells: the shared database `%%sql` cells query, a table sink, a query source.
 *
 * @example
 * counts.sinkTo(duckdb.table("counts", { mode: "upsert", key: ["page"] }));
 * env.fromSource(duckdb.source("select * from counts"));
 * const result = await duckdb.query("select count(*) as n from counts");
 */
export const duckdb = {
  table: duckdbTable,
  source: sqlSource,
  query,
  database: sharedDatabase,
  open: openSharedDatabase,
};
