import type { DuckDBValue } from "@duckdb/node-api";
import { SqlDatabase, SqlResult } from "./SqlDatabase.js";

/**
 * The one database that SQL cells, the `sql` template and DuckDB sinks share in a kernel, so a
 * running job's table is queryable from a `%%sql` cell. Module state: the kernel and its cells
 * load one instance of the engine.
 */
const shared: { db?: Promise<SqlDatabase> } = {};

/** The shared database; opened in memory on first use. */
export function sharedDatabase(): Promise<SqlDatabase> {
  return (shared.db ??= SqlDatabase.open(":memory:"));
}

/** Replaces the shared database with a file database (or `:memory:`); the old one is closed. */
export async function openSharedDatabase(path: string): Promise<SqlDatabase> {
  const old = shared.db;
  shared.db = SqlDatabase.open(path);
  const db = await shared.db;
  if (old) (await old.catch(() => undefined))?.close();
  return db;
}

/**
 * A tagged template for SQL in TypeScript cells; `${...}` values are bound parameters, never
 * pasted into the text.
 *
 * @example
 * const minViews = 10;
 * const rows = await sql<{ page: string; n: number }>`select page, count(*)::INT as n from views group by page having n > ${minViews}`;
 */
export async function sql<Row = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]> {
  const result = await query(strings.join("?"), values);
  return result.values as Row[];
}

/** Runs SQL on the shared database with positional `?` parameters. */
export async function query(text: string, params: readonly unknown[] = []): Promise<SqlResult> {
  return (await sharedDatabase()).run(text, params as DuckDBValue[]);
}
