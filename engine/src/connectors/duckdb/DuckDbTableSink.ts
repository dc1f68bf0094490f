import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type { Sink, SinkContext, SinkWriter } from "../../sinks/Sink.js";
import { sharedDatabase } from "./sharedDatabase.js";
import type { SqlDatabase } from "./SqlDatabase.js";
import { ColumnKind, inferColumns, landingExpr, quoteIdent, SchemaInferenceError, stagingType, TableColumn } from "./tableSchema.js";

/** TypeScript 5.4's NoInfer, spelled so that tslab's TypeScript (5.0, which checks cells) has it too. */
type Deferred<T> = [T][T extends unknown ? 0 : never];

export interface DuckDbTableOptions<T> {
  /** `append` (default) inserts every record; `upsert` replaces the row with the same key. */
  mode?: "append" | "upsert";
  /**
   * Key columns for upsert, e.g. `["window_start", "page"]`: a late firing replaces its row. Deferred:
   * `T` comes from the stream `sinkTo` is called on, not from these names (else `columns` fixes `T`).
   */
  key?: Deferred<keyof T & string>[];
  /** Declared column types; others are inferred from the first batch. */
  columns?: Deferred<Partial<Record<keyof T & string, ColumnKind>>>;
  /** Defaults to the kernel-wide shared database that `%%sql` cells query. */
  database?: SqlDatabase;
}

export class DuckDbSinkError extends Error {
  override name = "DuckDbSinkError";
  constructor(
    message: string,
    readonly table: string,
    options?: { cause?: unknown },
  ) {
    super(`DuckDB sink "${table}": ${message}`, options);
  }
}

/**
 * Writes a stream into a DuckDB table that SQL cells can query while the job runs.
 *
 * Each batch is appended to a connection-private staging table and moved into the target by a
 * single INSERT (or INSERT OR REPLACE) statement, so a query never sees half a batch. Upsert is
 * idempotent, so results replayed after a restore replace themselves; append may repeat them.
 *
 * @example
 * counts.sinkTo(duckdb.table("page_counts", { mode: "upsert", key: ["window_start", "page"] }));
 * // then, in a cell:  %%sql select * from page_counts order by window_start
 */
export function duckdbTable<T extends object>(table: string, options: DuckDbTableOptions<T> = {}): Sink<T> {
  const mode = options.mode ?? "append";
  if (mode === "upsert" && !options.key?.length) throw new DuckDbSinkError("upsert needs key columns, e.g. { key: ['id'] }", table);
  return { name: `duckdb:${table}`, createWriter: (ctx) => new TableWriter<T>(table, mode, options, ctx) };
}

/**
 * DuckDB commits a CREATE optimistically: subtasks' connections creating one table at the same moment
 * fail with "Catalog write-write conflict on create". Table creation runs one at a time per database.
 */
const creations = new WeakMap<object, Promise<unknown>>();
function oneCreationAtATime<R>(db: object, create: () => Promise<R>): Promise<R> {
  const run = (creations.get(db) ?? Promise.resolve()).then(create);
  creations.set(
    db,
    run.catch(() => undefined), // the next creation waits for this one, not for its success; the error reaches its own caller
  );
  return run;
}

class TableWriter<T extends object> implements SinkWriter<T> {
  private db: object | undefined;
  private conn: DuckDBConnection | undefined;
  private columns: TableColumn[] | undefined;
  private staging: string;

  constructor(
    private readonly table: string,
    private readonly mode: "append" | "upsert",
    private readonly options: DuckDbTableOptions<T>,
    ctx: SinkContext,
  ) {
    this.staging = quoteIdent(`__sluice_stage_${table}_${ctx.subtask}`);
  }

  async open(): Promise<void> {
    const db = this.options.database ?? (await sharedDatabase());
    this.db = db;
    this.conn = await db.connect();
  }

  async write(values: readonly T[]): Promise<void> {
    if (values.length === 0) return;
    const records = this.mode === "upsert" ? this.lastPerKey(values) : (values as readonly Record<string, unknown>[]);
    const conn = this.conn as DuckDBConnection;
    const columns = (this.columns ??= await this.createTables(records));
    const appender = await conn.createAppender(this.staging.slice(1, -1));
    try {
      for (const r of records) {
        for (const c of columns) this.appendValue(appender, c, r[c.name]);
        appender.endRow();
      }
      appender.flushSync();
    } catch (e) {
      throw new DuckDbSinkError(`cannot stage a record: ${(e as Error).message}`, this.table, { cause: e });
    } finally {
      appender.closeSync();
    }
    const verb = this.mode === "upsert" ? "INSERT OR REPLACE INTO" : "INSERT INTO";
    const names = columns.map((c) => quoteIdent(c.name)).join(", ");
    await conn.run(`${verb} ${quoteIdent(this.table)} (${names}) SELECT ${columns.map(landingExpr).join(", ")} FROM ${this.staging}`);
    await conn.run(`DELETE FROM ${this.staging}`);
  }

  close(): void {
    this.conn?.closeSync();
  }

  /** Within one batch a key may fire twice (a late firing); INSERT OR REPLACE wants it once. */
  private lastPerKey(values: readonly T[]): Record<string, unknown>[] {
    const key = this.options.key ?? [];
    const byKey = new Map<string, Record<string, unknown>>();
    for (const v of values as readonly Record<string, unknown>[]) byKey.set(JSON.stringify(key.map((k) => (v[k] instanceof Date ? (v[k] as Date).getTime() : v[k]))), v);
    return [...byKey.values()];
  }

  private async createTables(records: readonly Record<string, unknown>[]): Promise<TableColumn[]> {
    const columns = inferColumns(records, (this.options.columns ?? {}) as Record<string, ColumnKind>);
    const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.kind}`);
    const pk = this.mode === "upsert" ? `, PRIMARY KEY (${(this.options.key ?? []).map(quoteIdent).join(", ")})` : "";
    const conn = this.conn as DuckDBConnection;
    await oneCreationAtATime(this.db as object, () => conn.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(this.table)} (${defs.join(", ")}${pk})`));
    await conn.run(`CREATE TEMP TABLE IF NOT EXISTS ${this.staging} (${columns.map((c) => `${quoteIdent(c.name)} ${stagingType(c.kind)}`).join(", ")})`);
    return columns;
  }

  private appendValue(a: DuckDBAppender, c: TableColumn, v: unknown): void {
    if (v === null || v === undefined) return a.appendNull();
    switch (c.kind) {
      case "BIGINT":
        if (typeof v === "number" && !Number.isInteger(v)) throw new SchemaInferenceError(`column "${c.name}" is BIGINT but got ${v}; declare columns: { ${c.name}: "DOUBLE" }`);
        return a.appendBigInt(BigInt(v as number | bigint));
      case "DOUBLE":
        return a.appendDouble(Number(v));
      case "BOOLEAN":
        return a.appendBoolean(Boolean(v));
      case "TIMESTAMP":
        return a.appendBigInt(BigInt(v instanceof Date ? v.getTime() : Math.trunc(Number(v))));
      case "JSON":
        return a.appendVarchar(JSON.stringify(v));
      case "VARCHAR":
        return a.appendVarchar(typeof v === "string" ? v : String(v));
    }
  }
}
