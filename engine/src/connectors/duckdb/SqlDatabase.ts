import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader, DuckDBValue } from "@duckdb/node-api";

/** A column of a result: its name and DuckDB's name for its type (e.g. `DECIMAL(10,2)`). */
export interface SqlColumn {
  name: string;
  type: string;
}

/**
 * A query result in two forms: `rows` for people (exact, JSON-safe: decimals, and 64-bit integers
 * beyond a double's exact range, as strings; timestamps as DuckDB prints them) and `values` for
 * code (numbers, bigints, Dates).
 */
export interface SqlResult {
  columns: SqlColumn[];
  rows: Record<string, unknown>[];
  values: Record<string, unknown>[];
  /** Rows changed by the last statement when it was DML, else the number of rows returned. */
  rowCount: number;
}

export class SqlError extends Error {
  override name = "SqlError";
  constructor(
    message: string,
    readonly statement: string,
    readonly statementIndex: number,
    /** Offset of the statement in the submitted SQL text, for mapping DuckDB's LINE n back. */
    readonly statementOffset: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * One DuckDB database and the connection SQL cells use. Statements of a multi-statement text run
 * one after another (a later one may need a table an earlier one creates); `?` parameters are
 * consumed in order across them.
 */
export class SqlDatabase {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path = ":memory:"): Promise<SqlDatabase> {
    // Loaded here, not on import: every kernel imports the engine, few open a database (lazyLibraries.test.ts).
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const instance = await DuckDBInstance.create(path);
    return new SqlDatabase(path, instance, await instance.connect());
  }

  /** A further connection to the same database, e.g. for a sink writing while cells query. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  async run(sql: string, params: readonly DuckDBValue[] = []): Promise<SqlResult> {
    let statements: Awaited<ReturnType<DuckDBConnection["extractStatements"]>>;
    try {
      statements = await this.connection.extractStatements(sql);
    } catch (e) {
      // A parse error: DuckDB's LINE numbers are then relative to the whole text.
      throw new SqlError((e as Error).message.replace(/^Failed to extract statements: /, ""), sql, 0, 0, { cause: e });
    }
    const pending = [...params];
    let reader: DuckDBResultReader | undefined;
    const offsets = statementOffsets(sql, statements.count);
    for (let i = 0; i < statements.count; i++) {
      try {
        const prepared = await statements.prepare(i);
        const mine = pending.splice(0, prepared.parameterCount);
        if (mine.length < prepared.parameterCount) throw new Error(`statement ${i + 1} needs ${prepared.parameterCount} parameters, ${mine.length} left`);
        if (mine.length) prepared.bind(mine);
        reader = await prepared.runAndReadAll();
      } catch (e) {
        const off = offsets[i] ?? 0;
        throw new SqlError((e as Error).message, sql.slice(off, offsets[i + 1] ?? sql.length).trim(), i, off, { cause: e });
      }
    }
    if (!reader) return { columns: [], rows: [], values: [], rowCount: 0 };
    const columns = reader.columnNames().map((name, i) => ({ name, type: String(reader!.columnTypes()[i]) }));
    const values = reader.getRowObjectsJS() as Record<string, unknown>[];
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    narrowIntegers(values, rows, columns);
    const changed = columns.length === 1 && columns[0]?.name === "Count" && columns[0].type === "BIGINT";
    return { columns, rows, values, rowCount: changed ? Number(values[0]?.Count ?? 0) : rows.length };
  }

  /** Asks DuckDB to stop the running query; the awaiting run() then rejects with an INTERRUPT error. */
  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Where each statement starts in the text: DuckDB reports error lines relative to the
 * statement, and cells want them relative to the cell. Splits on top-level semicolons,
 * respecting quotes and comments.
 */
export function statementOffsets(sql: string, count: number): number[] {
  const starts = [0];
  let quote: string | null = null;
  for (let i = 0; i < sql.length && starts.length < count; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "-" && sql[i + 1] === "-") i = sql.indexOf("\n", i) < 0 ? sql.length : sql.indexOf("\n", i);
    else if (c === ";") starts.push(i + 1);
  }
  return starts;
}

/**
 * DuckDB gives 64/128-bit integers (count(*) among them) as bigint, and as strings in JSON. A column
 * whose values all fit a double exactly becomes plain numbers in both forms, so `row.n + 1` works and
 * a table shows `5`, not `"5"`; a column with any larger value stays bigint (and string) throughout, so
 * no value is silently rounded.
 */
function narrowIntegers(values: Record<string, unknown>[], rows: Record<string, unknown>[], columns: SqlColumn[]): void {
  const wide = columns.filter((c) => /^(U?BIGINT|U?HUGEINT)$/.test(c.type)).map((c) => c.name);
  const narrowable = wide.filter((name) =>
    values.every((row) => {
      const v = row[name];
      return typeof v !== "bigint" || (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER));
    }),
  );
  if (narrowable.length === 0) return;
  for (const row of values) for (const name of narrowable) if (typeof row[name] === "bigint") row[name] = Number(row[name]);
  for (const row of rows) for (const name of narrowable) if (typeof row[name] === "string") row[name] = Number(row[name]);
}
