/**
 * `%%ssql --target flink`: the cell's statements run on a Flink cluster through the SQL Gateway,
 * one at a time in the kernel's one gateway session. A bounded query holds the cell and shows its
 * folded table, as locally; an unbounded one becomes a local job whose source is the gateway's
 * changelog and whose sink is the same updating table view a local query has (row kinds applied
 * by the same ChangelogTable), so the cell returns at once with its status line. An INSERT shows
 * its Flink job id and dashboard link; a bounded one holds the cell until its job ends.
 */
import { ChangelogTableView, flinkGateway, foldChangelog, type JobHandle, StreamEnvironment, StreamSqlError, type StreamSqlColumn } from "../../../engine/src/index.js";
import type { CellOutcome } from "../execute/cellRunner.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import type { MagicCall } from "../magics/magicParser.js";
import { type MagicEnv, shown as showBundle } from "../magics/magic.js";
import { resultBundle } from "../magics/sql/resultBundle.js";
import { sqlSettings } from "../magics/sql/sqlSettings.js";
import { parseSsqlArgs, type SsqlArgs } from "../magics/ssql/ssqlArgs.js";
import { chartRenderer, distinctNames, ssqlOutcome } from "../magics/ssql/ssqlOutput.js";
import type { FlinkConnection } from "./flinkConnection.js";
import { checkCell, createLocally, insertLocally, runsLocally } from "./localSinks.js";
import { type FlinkStatement, splitStatements } from "./statements.js";

type Rendered = { kind: "table"; bundle: MimeBundle } | { kind: "drawn"; outcome: CellOutcome } | { kind: "message"; text: string } | { kind: "job"; value: unknown };

/** Flink's logical type names as the table renderer's (DuckDB's) names, so numbers align. */
const RENDER_TYPE: Record<string, string> = { TINYINT: "TINYINT", SMALLINT: "SMALLINT", INTEGER: "INTEGER", BIGINT: "BIGINT", FLOAT: "FLOAT", DOUBLE: "DOUBLE", DECIMAL: "DOUBLE", BOOLEAN: "BOOLEAN" };
/** …and as the engine's SQL types, for the updating view's cell formatting (timestamps arrive as text). */
const SQL_TYPE: Record<string, StreamSqlColumn["type"]["name"]> = {
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INTEGER: "INT",
  BIGINT: "BIGINT",
  FLOAT: "FLOAT",
  DOUBLE: "DOUBLE",
  DECIMAL: "DECIMAL",
  BOOLEAN: "BOOLEAN",
};

const TERMINAL: flinkGateway.JobState[] = ["FINISHED", "FAILED", "CANCELED"];

export async function runOnFlink(call: MagicCall, env: MagicEnv, flink: FlinkConnection): Promise<CellOutcome> {
  const statements = splitStatements(call.body);
  // Every statement is checked before the first is sent: a cell is not left half-run on the cluster.
  checkCell(statements, (s) => call.bodyLine + s.line - 1);
  const args = parseSsqlArgs(call.args);
  const { session, rest } = await flink.open();
  const shown: Rendered[] = [];
  for (const s of statements) {
    const here = runsLocally(s);
    try {
      if (here === "ddl") shown.push(await createLocally(s));
      else if (here === "insert") shown.push(await insertLocally(s, env, flink, session, rest, (jobId, local) => remember(flink, jobId, s.text, local)));
      else shown.push(await runStatement(s, env, flink, session, rest, args));
    } catch (error) {
      const cellLine = call.bodyLine + s.line - 1;
      if (error instanceof flinkGateway.FlinkGatewayError) {
        const evalue = `${error.message.split("\n")[0]} (cell line ${cellLine})`;
        return { status: "error", error: { ename: "FlinkError", evalue, traceback: [`\u001b[1;31mFlinkError\u001b[0m: ${evalue}`, `  in: ${s.text.slice(0, 300)}`] } };
      }
      if (error instanceof StreamSqlError) {
        const evalue = `${error.detail} (cell line ${cellLine})`;
        return { status: "error", error: { ename: "SqlError", evalue, traceback: [`\u001b[1;31mSqlError\u001b[0m: ${evalue}`, `  in: ${s.text.slice(0, 300)}`] } };
      }
      throw error;
    }
    if (here === undefined) flink.catalog.note(s);
  }
  const job = shown.find((r) => r.kind === "job");
  if (job?.kind === "job") return { status: "ok", result: { value: job.value } };
  const table = [...shown].reverse().find((r) => r.kind === "table" || r.kind === "drawn");
  if (table?.kind === "table") return showBundle(table.bundle);
  if (table?.kind === "drawn") return table.outcome;
  return showBundle({ "text/plain": shown.map((r) => (r.kind === "message" ? r.text : "")).join("\n") });
}

async function runStatement(s: FlinkStatement, env: MagicEnv, flink: FlinkConnection, session: flinkGateway.FlinkSession, rest: flinkGateway.FlinkRestClient, args: SsqlArgs): Promise<Rendered> {
  if (s.kind === "insert") return runInsert(s, env, flink, session, rest);
  if (s.kind === "query" && !flink.catalog.isBounded(s.text)) return startUnbounded(s, env, flink, session, rest, args);
  const operation = await session.submit(s.text);
  const abort = new AbortController();
  let result: flinkGateway.StatementResult;
  try {
    // An interrupt aborts the read (collect then throws: no partial table) and cancels the job below.
    result = await env.interruptible(
      () => operation.collect(abort.signal),
      () => abort.abort(),
    );
  } catch (error) {
    if (operation.jobId !== undefined) await rest.cancelJob(operation.jobId).catch(() => undefined); // it may have ended already
    await operation.close();
    throw error;
  } finally {
    if (operation.jobId !== undefined) remember(flink, operation.jobId, s.text);
  }
  await operation.close();
  if (s.kind !== "query" && result.resultKind === "SUCCESS" && result.rows.length <= 1 && (result.columns[0]?.name ?? "result") === "result")
    return { kind: "message", text: "[INFO] Execute statement succeeded." };
  const names = distinctNames(result.columns.map((c) => c.name));
  const rows = foldChangelog(
    result.rows.map((row) => flinkGateway.toChange(row, result.columns)),
    undefined,
  );
  // A chart or a single value is drawn as a local result is (the same renderers).
  if (args.chart || args.view === "single")
    return { kind: "drawn", outcome: await ssqlOutcome([{ kind: "table", columns: sqlColumns(result.columns), rows, statement: s.text }], args, args.limit ?? sqlSettings.displaylimit) };
  return {
    kind: "table",
    bundle: resultBundle(
      {
        columns: result.columns.map((c, i) => ({ name: names[i] as string, type: RENDER_TYPE[c.logicalType.type] ?? "VARCHAR" })),
        rows: rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))),
      },
      sqlSettings.displaylimit,
    ),
  };
}

/** A local job applying the Flink query's changelog to a live table: the cell shows its status line and the table. */
async function startUnbounded(s: FlinkStatement, env: MagicEnv, flink: FlinkConnection, session: flinkGateway.FlinkSession, rest: flinkGateway.FlinkRestClient, args: SsqlArgs): Promise<Rendered> {
  const operation = await session.submit(s.text);
  const abort = new AbortController();
  let columns: flinkGateway.ColumnInfo[];
  try {
    // Waiting for the schema surfaces a statement Flink rejects as this cell's error, not a failed job.
    columns = await env.interruptible(
      () => operation.schema(abort.signal),
      () => abort.abort(),
    );
  } catch (error) {
    await operation.close();
    throw error;
  }
  // The live view draws a chart when the cell asks for one, as a local query's does.
  const view = new ChangelogTableView(sqlColumns(columns), undefined, args.limit !== undefined && args.limit > 0 ? args.limit : 200, args.chart ? chartRenderer(args.chart) : undefined);
  const name = `flink: ${s.text.replace(/\s+/g, " ").slice(0, 60)}`;
  const local = StreamEnvironment.create();
  let job: JobHandle | undefined;
  // The first page carrying the job id is read after execute() returned: `job` is set by then.
  local
    .fromSource(flinkGateway.flinkResultSource(operation, { bounded: false, rest, columns, onJobId: (jobId) => remember(flink, jobId, s.text, job) }), undefined, name)
    .sinkTo(view)
    .name("Sink: changelog table");
  job = local.execute(name);
  return { kind: "job", value: job };
}

async function runInsert(s: FlinkStatement, env: MagicEnv, flink: FlinkConnection, session: flinkGateway.FlinkSession, rest: flinkGateway.FlinkRestClient): Promise<Rendered> {
  const result = await session.execute(s.text);
  const jobId = result.jobID ?? (result.rows[0]?.fields[0] as string | undefined);
  if (jobId === undefined) return { kind: "message", text: "[INFO] Execute statement succeeded." };
  remember(flink, jobId, s.text);
  const link = await flink.dashboardLink(jobId);
  if (!flink.catalog.isBounded(s.text)) return { kind: "message", text: `[INFO] Submitted to Flink: job ${jobId} is running (%jobs lists it; dashboard ${link})` };
  const job = await env.interruptible(
    () => rest.waitForState(jobId, TERMINAL, 24 * 3600_000),
    () => void rest.cancelJob(jobId),
  );
  if (job.state !== "FINISHED") throw new flinkGateway.FlinkGatewayError(`Flink job ${jobId} ended ${job.state} (dashboard ${link})`, { url: link, statement: s.text });
  return { kind: "message", text: `[INFO] Flink job ${jobId} finished (dashboard ${link})` };
}

function remember(flink: FlinkConnection, jobId: string, statement: string, local?: JobHandle): void {
  if (flink.jobs.some((j) => j.jobId === jobId)) return;
  flink.jobs.push({ jobId, statement, ...(local === undefined ? {} : { local }) });
}

/** Flink's result columns as the engine's (distinct names, SQL types), for the local renderers and views. */
function sqlColumns(columns: readonly flinkGateway.ColumnInfo[]): StreamSqlColumn[] {
  const names = distinctNames(columns.map((c) => c.name));
  return columns.map((c, i) => ({ name: names[i] as string, type: { name: SQL_TYPE[c.logicalType.type] ?? "STRING" } }) as StreamSqlColumn);
}
