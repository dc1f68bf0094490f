import { StreamEnvironment, type ExecuteOptions } from "../api/StreamEnvironment.js";
import type { JobHandle } from "../runtime/JobHandle.js";
import { CollectSink } from "../sinks/MemorySinks.js";
import type { Statement } from "./ast.js";
import { Catalog, type Column, type TableEntry } from "./catalog.js";
import { checkOptions, display, printChangelogSink, sinkFor, type Row } from "./connectors.js";
import { SQL_CONNECTORS } from "./connectors/registry.js";
import { environmentFor } from "./interop/dataStreamTable.js";
import { duckdbChangelogSink } from "./duckdbSink.js";
import { StreamSqlError, type SqlPosition } from "./errors.js";
import { explainPlan } from "./explain.js";
import { type ParsedStatement, parseScript } from "./parser.js";
import { Planner, type AppendPlanned, type UpdatingPlanned } from "./planner.js";
import { foldChangelog, type Change } from "./changelog.js";
import { attachResultView, viewMode, type ResultView, type ResultViewOptions } from "./views/resultView.js";
import { formatType } from "./types.js";
import { SqlJobSettings } from "./restore/jobSettings.js";
import { ResultCollectSink } from "./resultCollect.js";
import { atReference, checkInsertTypes } from "./validation/typeRules.js";
import { sqlOneThreadReason, sqlWorkerPlacement } from "./parallel/sqlJobRecipe.js";
import { showFunctions } from "./functions/showFunctions.js";

/** What one statement gave: a message (DDL), a table (SHOW, DESCRIBE, a bounded query), or a running job. */
export type StatementResult =
  /** `svg`: EXPLAIN's operator graph as a picture. */
  | { kind: "message"; text: string; svg?: string; statement: string }
  /** `changelog`: an updating query's changes, `rows` being them folded to its final table. */
  | { kind: "table"; columns: Column[]; rows: Row[]; changelog?: Change[]; statement: string }
  /** `table`: a SELECT's live result view (append rows, the changelog applied so far, a single value or a chart; one of the job's sinks). */
  | { kind: "job"; job: JobHandle; columns: Column[]; rows: Row[]; table?: ResultView; statement: string };

export interface SqlSessionOptions {
  /** A fresh environment per job; default `StreamEnvironment.create()`. */
  createEnvironment?: () => StreamEnvironment;
  /** Where SQL jobs' checkpoints and savepoints go unless `SET 'state.savepoints.dir'`; without either, jobs are not checkpointed. */
  checkpointDirectory?: string;
}

/** Options of one `execute()`: `restoreFrom`, a savepoint every job the script starts resumes from. */
export interface ExecuteSqlOptions {
  restoreFrom?: string;
  /** How a query's result is shown (`%%ssql --view`, `--template`, `--limit`). */
  view?: ResultViewOptions;
}

/**
 * Runs Flink SQL scripts on the embedded engine against one catalog (kernel-wide in the notebook).
 * A bounded query runs to its end and returns its rows; an unbounded one (or any INSERT INTO an
 * unbounded input) starts a job and returns it at once, as Flink's `executeSql` does.
 */
export class SqlSession {
  readonly catalog = new Catalog();
  /**
   * Jobs of this session still running, oldest first (an interrupted cell cancels them). A finished
   * job leaves the list, so the session does not keep its state alive: `allJobs()` alone decides
   * how many finished jobs stay listed.
   */
  readonly jobs: JobHandle[] = [];
  private jobCount = 0;
  /** `SET` options, checkpointing and restore (restore/jobSettings.ts). */
  readonly settings: SqlJobSettings;

  constructor(private readonly options: SqlSessionOptions = {}) {
    this.settings = new SqlJobSettings(options.checkpointDirectory);
  }

  /** Executes every statement in order; a failing statement stops the script with its `StreamSqlError`. */
  async execute(script: string, options: ExecuteSqlOptions = {}): Promise<StatementResult[]> {
    return this.executeParsed(parseScript(script), options);
  }

  /** `execute` of statements already parsed (a worker thread declares the catalog from the kernel's parse). */
  async executeParsed(statements: readonly ParsedStatement[], options: ExecuteSqlOptions = {}): Promise<StatementResult[]> {
    const results: StatementResult[] = [];
    for (const { statement: s, text } of statements) {
      switch (s.kind) {
        case "createTable":
          this.catalog.createTable(s, text);
          results.push({ kind: "message", text: "[INFO] Execute statement succeeded.", statement: text });
          break;
        case "createView":
          this.planner(StreamEnvironment.create()).plan(s.query); // validate now, as Flink does
          this.catalog.createView(s.name, s.query, s.ifNotExists, text, s.at);
          results.push({ kind: "message", text: "[INFO] Execute statement succeeded.", statement: text });
          break;
        case "drop":
          this.catalog.drop(s.name, s.object, s.ifExists, s.at);
          results.push({ kind: "message", text: "[INFO] Execute statement succeeded.", statement: text });
          break;
        case "createFunction":
          this.catalog.functions.create(s, text);
          results.push({ kind: "message", text: "[INFO] Execute statement succeeded.", statement: text });
          break;
        case "dropFunction":
          this.catalog.functions.drop(s.name, s.scope, s.ifExists, s.at);
          results.push({ kind: "message", text: "[INFO] Execute statement succeeded.", statement: text });
          break;
        case "showFunctions":
          results.push({ kind: "table", columns: [{ name: "function name", type: { name: "STRING" } }], rows: showFunctions(this.catalog.functions, s.user).map((n) => [n]), statement: text });
          break;
        case "showTables":
          results.push({ kind: "table", columns: [{ name: "table name", type: { name: "STRING" } }], rows: this.catalog.names().map((n) => [n]), statement: text });
          break;
        case "describe": {
          const entry = this.catalog.get(s.name);
          if (!entry) throw new StreamSqlError("validation", `Tables or views with the identifier '${s.name}' doesn't exist`, s.at, s.name);
          const columns = entry.kind === "table" ? entry.columns : this.planner(StreamEnvironment.create()).plan(entry.query).columns;
          const watermark = entry.kind === "table" ? entry.watermark : undefined;
          results.push({
            kind: "table",
            columns: ["name", "type", "null", "watermark"].map((name) => ({ name, type: { name: "STRING" } })),
            rows: columns.map((c) => [
              c.name,
              // NOT NULL goes in the null column, as Flink's DESCRIBE prints it.
              formatType({ ...c.type, rowtime: false, nullable: true }) + (c.type.rowtime ? " *ROWTIME*" : ""),
              c.type.nullable === false ? "FALSE" : "TRUE",
              watermark && watermark.column.toLowerCase() === c.name.toLowerCase() ? (watermark.text ?? null) : null,
            ]),
            statement: text,
          });
          break;
        }
        case "query":
        case "insert":
          results.push(await this.run(s, text, options));
          break;
        case "statementSet":
          results.push(await this.runStatementSet(s.inserts, text, s.at, options.restoreFrom));
          break;
        case "set":
        case "reset": {
          const listed = this.settings.apply(s);
          if (listed) results.push({ kind: "table", columns: ["key", "value"].map((name) => ({ name, type: { name: "STRING" } })), rows: listed, statement: text });
          else results.push({ kind: "message", text: "[INFO] Execute statement succeeded.", statement: text });
          break;
        }
        case "explain": {
          // A throwaway environment: the sinks are declared on it but never executed. The session's SET options
          // shape its plan as they would the job's (parallelism: a window aggregate's two phases; mini-batch).
          const env = StreamEnvironment.create();
          this.settings.configure(env);
          const planned = this.planner(env).plan(s.statement.query);
          if (planned.changes) {
            if (s.statement.kind === "insert") planned.changes.sinkTo(this.changelogSink(s.statement, planned)).name(`Sink: ${s.statement.table}`);
            else planned.changes.sinkTo(new ResultCollectSink<Change>("collect")).name("Sink: changelog");
          } else this.attachSink(planned, s.statement, new ResultCollectSink<Row>("collect"));
          results.push({ kind: "message", ...explainPlan(env, text.replace(/^EXPLAIN\s+(PLAN\s+FOR\s+)?/i, ""), planned.columns), statement: text });
          break;
        }
      }
    }
    return results;
  }

  private planner(env: StreamEnvironment): Planner {
    return new Planner(env, this.catalog);
  }

  private async run(s: Extract<Statement, { kind: "query" | "insert" }>, text: string, options: ExecuteSqlOptions): Promise<StatementResult> {
    const shared = environmentFor(this.catalog, s.query);
    const env = shared ?? this.options.createEnvironment?.() ?? StreamEnvironment.create();
    // Over a DataStream view the query runs in that stream's environment, under its own checkpoint
    // settings (as Flink's StreamTableEnvironment uses its environment's); the session's are for its own.
    if (shared === undefined) this.settings.configure(env);
    const planner = this.planner(env);
    const planned = planner.plan(s.query);
    const name = `sql-${++this.jobCount}: ${text.replace(/\s+/g, " ").slice(0, 60)}`;
    // A function registered from a cell is a closure of this thread: a worker cannot make it again from DDL.
    const local = planner.functionsUsed().find((f) => !f.portable);
    const oneThread = local ? `function ${local.name} is registered from TypeScript on the kernel's thread` : undefined;
    const view = options.view ?? {};
    const mode = s.kind === "query" ? viewMode(planned, view, s.at) : undefined; // an impossible view fails before any job starts
    // Parallel subtasks on worker threads, which plan the statement again from this thread's parse (not over a DataStream view).
    const placement =
      shared === undefined && oneThread === undefined
        ? await sqlWorkerPlacement(env, this.settings.options, {
            ddl: this.catalog.statementsInOrder(),
            localFunctions: this.catalog.functions.localSignatures(),
            statement: { statement: s, text },
            viewMode: mode,
            options: [...this.settings.options],
          })
        : undefined;
    const start = () => this.start(env, name, s.at, options.restoreFrom, placement, sqlOneThreadReason(env, this.settings.options) ?? (env.parallelism > 1 ? oneThread : undefined));
    if (s.kind === "query" && !planned.bounded) {
      const table = attachResultView(planned, view, s.at);
      const job = await start();
      // `rows` reads the live view each time (its newest rows), not a copy taken as the job started.
      return {
        kind: "job",
        job,
        columns: planned.columns,
        get rows() {
          return table.rows;
        },
        table,
        statement: text,
      };
    }
    if (planned.changes) return this.runUpdating(planned, s, start, text, name);
    const collect = new ResultCollectSink<Row>("collect");
    this.attachSink(planned, s, collect);
    const job = await start();
    if (!planned.bounded) return { kind: "job", job, columns: planned.columns, rows: collect.values, statement: text };
    await job.wait();
    if (s.kind === "insert") return { kind: "message", text: `[INFO] ${name} finished.`, statement: text };
    return { kind: "table", columns: planned.columns, rows: collect.values, statement: text };
  }

  /**
   * A statement set: every INSERT planned into one job by one planner, so a table several INSERTs
   * read is scanned once and feeds them all (as Flink reuses a shared source). Held like an INSERT:
   * bounded, until done; unbounded, returned as the running job.
   */
  private async runStatementSet(inserts: Extract<Statement, { kind: "insert" }>[], text: string, at: SqlPosition, restoreFrom: string | undefined): Promise<StatementResult> {
    const env = this.options.createEnvironment?.() ?? StreamEnvironment.create();
    this.settings.configure(env);
    const planner = this.planner(env);
    planner.expect(inserts.map((s) => s.query));
    let bounded = true;
    for (const s of inserts) {
      const planned = planner.plan(s.query);
      if (planned.changes) planned.changes.sinkTo(this.changelogSink(s, planned)).name(`Sink: ${s.table}`);
      else this.attachSink(planned, s, new CollectSink<Row>("collect"));
      bounded &&= planned.bounded;
    }
    const name = `sql-${++this.jobCount}: STATEMENT SET (${inserts.length} INSERT${inserts.length === 1 ? "" : "s"} into ${inserts.map((i) => i.table).join(", ")})`;
    const job = await this.start(env, name, at, restoreFrom, undefined, env.parallelism > 1 ? "a STATEMENT SET does not run on worker threads yet" : undefined);
    if (!bounded) return { kind: "job", job, columns: [], rows: [], statement: text };
    await job.wait();
    return { kind: "message", text: `[INFO] ${name} finished.`, statement: text };
  }

  /** Sends an append-only query's rows to the INSERT's table, or to `collect` for a SELECT. */
  private attachSink(planned: AppendPlanned, s: Extract<Statement, { kind: "query" | "insert" }>, collect: CollectSink<Row>): void {
    if (s.kind === "query") {
      planned.stream.sinkTo(collect).name("Sink: collect");
      return;
    }
    const target = this.target(s, planned.columns);
    planned.stream
      .sinkTo(
        atReference(s.at, () =>
          sinkFor(
            target,
            target.columns.map((c) => c.type),
          ),
        ),
      )
      .name(`Sink: ${target.name}`);
  }

  /** The sink of an INSERT of an updating result: a duckdb table with a PRIMARY KEY, a registered changelog sink, or blackhole (Flink's takes any changelog). */
  private changelogSink(s: Extract<Statement, { kind: "insert" }>, planned: UpdatingPlanned) {
    const target = this.target(s, planned.columns);
    const registered = SQL_CONNECTORS[target.options.connector as string]?.changelogSink;
    if (registered) {
      atReference(s.at, () => checkOptions(target));
      return registered(target);
    }
    if (target.options.connector !== "duckdb" && target.options.connector !== "blackhole" && target.options.connector !== "print")
      throw new StreamSqlError(
        "unsupported",
        `INSERT INTO '${s.table}' of an updating result is not supported yet (a duckdb table with a PRIMARY KEY, a print or a blackhole table takes one)`,
        s.at,
        s.table,
      );
    atReference(s.at, () => checkOptions(target));
    if (target.options.connector === "print")
      return printChangelogSink(
        target,
        target.columns.map((c) => c.type),
      );
    if (target.options.connector === "blackhole") return { name: `blackhole ${target.name}`, createWriter: () => ({ write: () => undefined }) };
    return duckdbChangelogSink(target);
  }

  /**
   * An updating query: bounded, its changelog and final table; unbounded, a job whose sink is a
   * live table applying the changelog (the "update" result view of Flink's SQL client).
   */
  private async runUpdating(planned: UpdatingPlanned, s: Extract<Statement, { kind: "query" | "insert" }>, start: () => Promise<JobHandle>, text: string, name: string): Promise<StatementResult> {
    if (s.kind === "insert") {
      planned.changes.sinkTo(this.changelogSink(s, planned)).name(`Sink: ${s.table}`);
      const job = await start();
      if (!planned.bounded) return { kind: "job", job, columns: planned.columns, rows: [], statement: text };
      await job.wait();
      return { kind: "message", text: `[INFO] ${name} finished.`, statement: text };
    }
    const collect = new ResultCollectSink<Change>("collect");
    planned.changes.sinkTo(collect).name("Sink: collect");
    await (await start()).wait();
    return { kind: "table", columns: planned.columns, rows: foldChangelog(collect.values, planned.uniqueKey), changelog: collect.values, statement: text };
  }

  /** The INSERT's table, checked to take the query's columns: as many, of types that cast implicitly. */
  private target(s: Extract<Statement, { kind: "insert" }>, columns: Column[]): TableEntry {
    const width = columns.length;
    const target = this.catalog.get(s.table);
    if (!target || target.kind !== "table") throw new StreamSqlError("validation", `Object '${s.table}' not found`, s.at, s.table);
    // VIRTUAL metadata columns are read-only: not part of the sink's schema.
    const sinkColumns = target.columns.filter((c) => !c.metadata?.virtual);
    if (sinkColumns.length !== width)
      throw new StreamSqlError("validation", `Column types of query result and sink for '${s.table}' do not match: the query has ${width} columns, the table ${sinkColumns.length}`, s.at, s.table);
    checkInsertTypes(target.name, columns, sinkColumns, s.at);
    return target;
  }

  /** Starts the job with plan-derived uids, from a savepoint checked to fit its plan if one is to be restored. */
  private async start(env: StreamEnvironment, name: string, at: SqlPosition, restoreFrom: string | undefined, placement?: ExecuteOptions["placement"], oneThreadReason?: string): Promise<JobHandle> {
    const job = env.execute(name, { ...(await this.settings.prepare(env, at, restoreFrom)), placement, oneThreadReason });
    this.jobs.push(job);
    void job.done.then(() => {
      const at = this.jobs.indexOf(job);
      if (at >= 0) this.jobs.splice(at, 1);
    });
    return job;
  }
}

/** A result table as Flink's SQL client prints it in tableau mode (for `print` and text/plain). */
export function formatTable(columns: Column[], rows: Row[]): string {
  const cells = rows.map((r) => r.map((v, i) => display(v, columns[i]?.type)));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((r) => (r[i] as string).length)));
  const line = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const fmt = (vals: string[]): string => `| ${vals.map((v, i) => v.padStart(widths[i] as number)).join(" | ")} |`;
  return [line, fmt(columns.map((c) => c.name)), line, ...cells.map(fmt), line, `${rows.length} row${rows.length === 1 ? "" : "s"} in set`].join("\n");
}
