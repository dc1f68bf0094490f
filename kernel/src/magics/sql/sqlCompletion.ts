import { duckdb } from "../../../../engine/src/index.js";

/**
 * Names from the shared DuckDB database's catalog that start with `prefix` (case-insensitive):
 * tables and views first, then columns, each once, in the catalog's order.
 */
export async function catalogCompletions(prefix: string): Promise<string[]> {
  const r = await duckdb.query(
    `select name, min(rank) as rank from (
       select table_name as name, 0 as rank from duckdb_tables()
       union all select view_name, 0 from duckdb_views() where not internal
       union all select column_name, 1 from duckdb_columns() where not internal
     ) where starts_with(lower(name), lower(?)) group by name order by rank, name`,
    [prefix],
  );
  return r.values.map((row) => String((row as { name: unknown }).name));
}
