import { duckdb, SqlError } from "../../../../engine/src/index.js";
import type { CellError } from "../../execute/traceback.js";
import { sourceContext } from "../../execute/sourceContext.js";
import { type MagicEnv, type MagicHandler, shown } from "../magic.js";
import { chartBundle, chartSpec } from "./chartSpec.js";
import { resultBundle } from "./resultBundle.js";
import { rowType } from "./rowType.js";
import { renderSvg } from "../../jobs/svgRender.js";
import { parseSqlArgs } from "./sqlArgs.js";
import { sqlSettings } from "./sqlSettings.js";
import { saveQuery, withSavedQueries } from "./sqlSnippets.js";
import { bindVariables } from "./sqlParameters.js";

const INTERRUPTED = /INTERRUPT Error|Interrupted!/;

/**
 * `%%sql` / `%sql`: DuckDB SQL on the kernel-wide database. The last statement's result is
 * shown as a table (or a chart with --chart); -o assigns its rows to a typed variable.
 */
export const sqlMagic: MagicHandler = async (call, env) => {
  const args = parseSqlArgs(call.args, call.kind);
  if (args.open) {
    const db = await duckdb.open(args.open);
    return shown({ "text/plain": `opened ${db.path === ":memory:" ? "an in-memory database" : db.path}` });
  }
  const inline = args.inlineSql !== undefined;
  const ownSql = args.inlineSql ?? call.body;
  if (!ownSql.trim()) return { status: "ok" };
  const composed = withSavedQueries(ownSql, args.with, args.save);
  if (args.noExecute && args.save !== undefined) {
    saveQuery(args.save, ownSql);
    return shown({ "text/plain": `saved as ${args.save}` });
  }
  const sqlText = composed.text;
  const where = { bodyLine: (inline ? 1 : call.bodyLine) - composed.prefixLines };
  const { text, params } = bindVariables(sqlText, env.lookup);
  const db = await duckdb.database();
  let result: Awaited<ReturnType<typeof duckdb.query>>;
  try {
    result = await env.interruptible(
      () => duckdb.query(text, params),
      () => db.interrupt(),
    );
  } catch (e) {
    if (e instanceof SqlError) return { status: "error", error: sqlError(e, sqlText, where, env) };
    throw e;
  }
  if (args.save !== undefined) saveQuery(args.save, ownSql);
  if (args.output) await env.assign(args.output, result.values, rowType(result.columns, result.values));
  if (result.columns.length === 0) return { status: "ok" };
  if (args.chart) {
    const spec = chartSpec(result, args.chart);
    const svg = await renderSvg(spec);
    const bundle = chartBundle(spec, `[${args.chart.mark} chart of ${result.rows.length} rows: ${args.chart.y} by ${args.chart.x}]`);
    return shown(svg ? { ...bundle, "image/svg+xml": svg } : bundle);
  }
  return shown(resultBundle(result, args.limit ?? sqlSettings.displaylimit));
};

/** DuckDB's message, with its `LINE n` turned into the line of the cell, and the cell shown. */
function sqlError(e: SqlError, sqlText: string, where: { bodyLine: number }, env: MagicEnv): CellError {
  if (INTERRUPTED.test(e.message)) {
    return { ename: "Interrupted", evalue: "query interrupted", traceback: ["\u001b[1;31mInterrupted\u001b[0m: query interrupted by the user"] };
  }
  const lines = e.message.split("\n");
  const first = lines[0] ?? "";
  const lineInStatement = Number(/LINE (\d+):/.exec(e.message)?.[1] ?? "1");
  // DuckDB counts a statement's lines from its first non-blank character.
  const rest = sqlText.slice(e.statementOffset);
  const lead = e.statementOffset + rest.length - rest.trimStart().length;
  const cellLine = where.bodyLine + (sqlText.slice(0, lead).match(/\n/g)?.length ?? 0) + lineInStatement - 1;
  const sep = first.indexOf(": ");
  const ename = sep > 0 ? first.slice(0, sep).replace(/\s+/g, "") : "SqlError";
  const evalue = sep > 0 ? first.slice(sep + 2) : first;
  return {
    ename,
    evalue: `${evalue} (cell line ${cellLine})`,
    traceback: [`\u001b[1;31m${ename}\u001b[0m: ${evalue}`, ...lines.slice(1).filter((l) => l.trim()), `Cell In[${env.executionCount}], line ${cellLine}:`, ...sourceContext(env.source, cellLine)],
  };
}
