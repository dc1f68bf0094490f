import { join } from "node:path";
import { defaultSqlSession, displaySqlValue, StreamSqlError, type StatementResult } from "../../../engine/src/index.js";
import type { CellOutcome } from "../execute/cellRunner.js";
import { sourceContext } from "../execute/sourceContext.js";
import { DISPLAY, type MimeBundle } from "../display/mimeBundle.js";
import { MagicUsageError, type MagicHandler } from "./magic.js";
import { resultBundle } from "./sql/resultBundle.js";
import { sqlSettings } from "./sql/sqlSettings.js";
import { flinkTarget } from "../flink/flinkTarget.js";
import { runOnFlink } from "../flink/flinkCell.js";

/**
 * The kernel-wide catalog: DDL of one cell is seen by every later cell, and by `StreamTableEnvironment`s
 * of TypeScript cells (created here, at kernel start, before any cell runs). SQL jobs' savepoints go to
 * `.sluice/sql-checkpoints` of the kernel's directory (SLUICE_SQL_CHECKPOINTS, or Flink's
 * `SET 'state.savepoints.dir'`), where a restarted kernel finds them.
 */
const session = defaultSqlSession({ checkpointDirectory: process.env.SLUICE_SQL_CHECKPOINTS ?? join(process.cwd(), ".sluice", "sql-checkpoints") });

/** Flink's type names as the table renderer's (DuckDB's) names, so numbers align and schemas say integer/number. */
const RENDER_TYPE: Record<string, string> = {
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INT: "INTEGER",
  BIGINT: "BIGINT",
  FLOAT: "FLOAT",
  DOUBLE: "DOUBLE",
  DECIMAL: "DOUBLE",
  BOOLEAN: "BOOLEAN",
  TIMESTAMP: "VARCHAR",
};

/**
 * `%%ssql`: streaming SQL in Flink's dialect on the embedded engine (engine/src/sql). Several
 * statements per cell; a bounded query holds the cell and shows its final table; an unbounded one
 * returns its job at once (status line, `%jobs`). Errors point at the cell's own line and column.
 */
export const ssqlMagic: MagicHandler = async (call, env) => {
  const restoreFrom = parseSsqlArgs(call.args);
  if (!call.body.trim()) return { status: "ok" };
  const flink = flinkTarget(call.args);
  if (flink) return runOnFlink(call, env, flink);
  let results: StatementResult[];
  // An interrupt stops what this cell started; jobs of earlier cells keep running (as TypeScript jobs do).
  const earlier = new Set(session.jobs);
  try {
    results = await env.interruptible(
      () => session.execute(call.body, restoreFrom !== undefined ? { restoreFrom } : {}),
      () => void session.jobs.filter((j) => !earlier.has(j) && j.metrics().status === "running").forEach((j) => void j.cancel()),
    );
  } catch (e) {
    if (e instanceof StreamSqlError) {
      const line = e.position ? call.bodyLine + e.position.line - 1 : undefined;
      const evalue = `${e.detail}${e.token !== undefined ? ` at "${e.token}"` : ""}${line !== undefined ? ` (cell line ${line}, column ${e.position?.column})` : ""}`;
      const context = line !== undefined ? [`Cell In[${env.executionCount}], line ${line}:`, ...sourceContext(env.source, line, e.position?.column)] : [];
      return { status: "error", error: { ename: "SqlError", evalue, traceback: [`\u001b[1;31mSqlError\u001b[0m: ${evalue}`, ...context] } };
    }
    throw e;
  }
  const job = results.find((r) => r.kind === "job");
  if (job?.kind === "job") return { status: "ok", result: { value: job.job } };
  const table = [...results].reverse().find((r) => r.kind === "table");
  if (table?.kind === "table") {
    const names = distinctNames(table.columns.map((c) => c.name));
    const columns = table.columns.map((c, i) => ({ name: names[i] as string, type: RENDER_TYPE[c.type.name] ?? "VARCHAR" }));
    const rows = table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [names[i], c.type.name === "TIMESTAMP" && r[i] !== null ? displaySqlValue(r[i], c.type) : r[i]])));
    return shown(resultBundle({ columns, rows }, sqlSettings.displaylimit));
  }
  const svg = [...results].reverse().find((r) => r.kind === "message" && r.svg);
  const text = results.map((r) => (r.kind === "message" ? r.text : "")).join("\n");
  return shown(svg?.kind === "message" && svg.svg ? { "text/plain": text, "image/svg+xml": svg.svg } : { "text/plain": text });
};

/** `%%ssql [--restore SAVEPOINT]`: the savepoint the cell's jobs resume from (a name made by `%jobs stop`, or a path). */
export function parseSsqlArgs(args: string): string | undefined {
  const words = args.split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return undefined;
  const [flag, value, ...rest] = words[0]?.startsWith("--restore=") ? ["--restore", words[0].slice("--restore=".length), ...words.slice(1)] : words;
  if (flag !== "--restore" || value === undefined || value === "" || rest.length > 0) throw new MagicUsageError(`%%ssql takes only --restore SAVEPOINT; got "${args}"`);
  return value.replace(/^["']|["']$/g, "");
}

/** `SELECT a, a` has two columns named a; the displayed table keys rows by name, so the second becomes a_1. */
export function distinctNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let n = 1; seen.has(unique); n++) unique = `${name}_${n}`;
    seen.add(unique);
    return unique;
  });
}

function shown(bundle: MimeBundle): CellOutcome {
  return { status: "ok", result: { value: { [DISPLAY]: () => bundle } } };
}
