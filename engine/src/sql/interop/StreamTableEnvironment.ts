import type { DataStream } from "../../api/DataStream.js";
import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { Query } from "../ast.js";
import type { Column, TableEntry } from "../catalog.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { SqlSession, type SqlSessionOptions, type StatementResult } from "../SqlSession.js";
import { StreamSqlError } from "../errors.js";
import { bindDataStream, dataStreamDdl } from "./dataStreamTable.js";
import { Row } from "./Row.js";
import type { Schema } from "./Schema.js";
import type { ScalarFunctionDefinition } from "../functions/userFunctions.js";

let kernelSession: SqlSession | undefined;

/** The kernel-wide SQL session: `%%ssql` cells and every `StreamTableEnvironment` share its catalog. `options` count on the first call only (the kernel makes it at start). */
export function defaultSqlSession(options?: SqlSessionOptions): SqlSession {
  kernelSession ??= new SqlSession(options);
  return kernelSession;
}

/** A query not run yet (Flink's `Table`): turned into a stream by `toDataStream` / `toChangelogStream`. */
export class Table {
  constructor(
    /** @internal */ readonly query: Query,
    private readonly text: string,
    private readonly columns: () => Column[],
  ) {}

  /** The result's columns (name and Flink type). */
  getResolvedSchema(): { name: string; type: string }[] {
    return this.columns().map((c) => ({ name: c.name, type: c.type.name }));
  }

  toString(): string {
    return this.text;
  }
}

/**
 * Flink's StreamTableEnvironment: SQL over DataStreams and back, on the kernel-wide catalog (what
 * `%%ssql` cells declare is visible here, and views registered here are visible there). Queries are
 * planned into `env`, so their streams join the cell's other streams in its next `env.execute()`.
 *
 * @example
 * const tEnv = StreamTableEnvironment.create(env);
 * tEnv.createTemporaryView("clicks", clicks, Schema.newBuilder().column("page", "STRING")
 *   .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)").watermark("rowtime", "SOURCE_WATERMARK()").build());
 * tEnv.toChangelogStream(tEnv.sqlQuery("SELECT page, COUNT(*) AS views FROM clicks GROUP BY page")).print();
 * env.execute("top pages");
 */
export class StreamTableEnvironment {
  private anonymous = 0;

  private constructor(
    readonly env: StreamEnvironment,
    readonly session: SqlSession,
  ) {}

  static create(env: StreamEnvironment, session: SqlSession = defaultSqlSession()): StreamTableEnvironment {
    return new StreamTableEnvironment(env, session);
  }

  /**
   * Registers `stream` as table `name` with `schema`. Registering a name again replaces an earlier
   * DataStream view of that name (a re-run cell); any other table of that name is an error, as in Flink.
   */
  createTemporaryView<T>(name: string, stream: DataStream<T>, schema: Schema): void {
    const existing = this.session.catalog.get(name);
    if (existing?.kind === "table" && existing.options.connector === "datastream") this.session.catalog.drop(name, "table", true, { line: 1, column: 1 });
    const source = schema.watermark?.expression.trim();
    const sourceWatermark = source !== undefined && /^SOURCE_WATERMARK\s*\(\s*\)$/i.test(source);
    const ddl = dataStreamDdl(name, schema, sourceWatermark ? undefined : source);
    const [parsed] = parseScript(ddl);
    if (parsed?.statement.kind !== "createTable") throw new StreamSqlError("validation", `could not register ${name}`, undefined, name);
    this.session.catalog.createTable(parsed.statement, ddl);
    const entry = this.session.catalog.get(name) as TableEntry;
    if (sourceWatermark) {
      // SOURCE_WATERMARK(): the column is the rowtime, and the stream's own watermarks stay.
      const rowtime = entry.columns.find((c) => c.name === schema.watermark?.column);
      if (rowtime) rowtime.type.rowtime = true;
    }
    entry.columns.forEach((c, i) => {
      const metadata = schema.columns[i]?.metadata;
      if (metadata) c.metadata = { key: metadata, virtual: true };
    });
    bindDataStream(entry, stream as DataStream<unknown>, schema);
  }

  /**
   * A scalar function written in TypeScript, callable by `name` in this session's SQL before the
   * built-ins (Flink's `createTemporarySystemFunction`): `{ resultType: "BIGINT", eval: (s) => … }`
   * or a class of such objects. Its `eval` is compiled into each query's generated code, as a
   * built-in is; a query calling it runs on the kernel's thread (a closure cannot move to a worker).
   */
  createTemporarySystemFunction(name: string, fn: ScalarFunctionDefinition): void {
    this.session.catalog.functions.register(name, "system", fn);
  }

  /** As `createTemporarySystemFunction`, resolved after the built-ins (a temporary catalog function, which shadows a catalog one). */
  createTemporaryFunction(name: string, fn: ScalarFunctionDefinition): void {
    this.session.catalog.functions.register(name, "temporary", fn);
  }

  /** A catalog function (resolved after the built-ins and temporary functions), as `CREATE FUNCTION` makes. */
  createFunction(name: string, fn: ScalarFunctionDefinition): void {
    this.session.catalog.functions.register(name, "catalog", fn);
  }

  /** False when there was none, as Flink's. */
  dropTemporarySystemFunction(name: string): boolean {
    return this.session.catalog.functions.drop(name, "system", true, undefined);
  }

  dropTemporaryFunction(name: string): boolean {
    return this.session.catalog.functions.drop(name, "temporary", true, undefined);
  }

  dropFunction(name: string): boolean {
    return this.session.catalog.functions.drop(name, "catalog", true, undefined);
  }

  /** `stream` as a Table; its `toString()` names it, so it can be spliced into SQL text as in Flink. */
  fromDataStream<T>(stream: DataStream<T>, schema: Schema): Table {
    const name = `UnnamedTable$${this.anonymous++}`;
    this.createTemporaryView(name, stream, schema);
    return this.sqlQuery(`SELECT * FROM \`${name}\``, name);
  }

  /** One SELECT (or UNION ALL) as a Table, planned when it becomes a stream. */
  sqlQuery(sql: string, displayName = sql): Table {
    const statements = parseScript(sql);
    const only = statements[0];
    if (statements.length !== 1 || only?.statement.kind !== "query")
      throw new StreamSqlError("validation", "sqlQuery takes exactly one SELECT (use executeSql for DDL and INSERT)", undefined, undefined);
    const query = only.statement.query;
    return new Table(query, displayName, () => this.planner().plan(query).columns);
  }

  /** DDL, INSERT, SHOW, … run by the kernel-wide session, as a `%%ssql` cell would run them. */
  executeSql(sql: string): Promise<StatementResult[]> {
    return this.session.execute(sql);
  }

  /** An append-only result as a stream of Rows (+I); an updating one fails, as in Flink. */
  toDataStream(table: Table): DataStream<Row> {
    const planned = this.planner().plan(table.query);
    const names = planned.columns.map((c) => c.name);
    if (planned.changes)
      throw new StreamSqlError("validation", `Table sink '*anonymous_datastream_sink*' doesn't support consuming update changes: use toChangelogStream for ${table.toString()}`, undefined, undefined);
    return planned.stream.map((r) => new Row("+I", r, names)).name("toDataStream");
  }

  /** Any result as a changelog of Rows with their RowKind (+I, -U, +U, -D). */
  toChangelogStream(table: Table): DataStream<Row> {
    const planned = this.planner().plan(table.query);
    const names = planned.columns.map((c) => c.name);
    if (planned.changes) return planned.changes.map((c) => new Row(c.kind, c.row, names)).name("toChangelogStream");
    return planned.stream.map((r) => new Row("+I", r, names)).name("toChangelogStream");
  }

  private planner(): Planner {
    return new Planner(this.env, this.session.catalog);
  }
}
