import { join } from "node:path";
import { defaultSqlSession, StreamSqlError, type StatementResult } from "../../../engine/src/index.js";
import { sourceContext } from "../execute/sourceContext.js";
import type { MagicHandler } from "./magic.js";
import { parseSsqlArgs } from "./ssql/ssqlArgs.js";
import { chartRenderer, ssqlOutcome } from "./ssql/ssqlOutput.js";
import { sqlSettings } from "./sql/sqlSettings.js";
import { flinkTarget } from "../flink/flinkTarget.js";
import { runOnFlink } from "../flink/flinkCell.js";

export { distinctNames } from "./ssql/ssqlOutput.js";

/**
 * The kernel-wide catalog: DDL of one cell is seen by every later cell, and by `StreamTableEnvironment`s
 * of TypeScript cells (created here, at kernel start, before any cell runs). SQL jobs' savepoints go to
 * `.sluice/sql-checkpoints` of the kernel's directory (SLUICE_SQL_CHECKPOINTS, or Flink's
 * `SET 'state.savepoints.dir'`), where a restarted kernel finds them.
 */
const session = defaultSqlSession({ checkpointDirectory: process.env.SLUICE_SQL_CHECKPOINTS ?? join(process.cwd(), ".sluice", "sql-checkpoints") });

/**
 * `%%ssql [--view append|update|single] [--template "…"] [--limit N] [--chart …] [--restore SAVEPOINT]
 * [--target flink|local]`: streaming SQL in Flink's dialect on the embedded engine (engine/src/sql),
 * or through a Flink SQL Gateway (kernel/src/flink). Several statements per cell; a bounded
 * query holds the cell and shows its final result; an unbounded one returns its job at once (status
 * line, its live view, `%jobs`). Errors point at the cell's own line and column.
 */
export const ssqlMagic: MagicHandler = async (call, env) => {
  const args = parseSsqlArgs(call.args);
  if (!call.body.trim()) return { status: "ok" };
  const flink = flinkTarget(call.args);
  if (flink) return runOnFlink(call, env, flink);
  const limit = args.limit ?? sqlSettings.displaylimit;
  const view = {
    ...(args.view ? { mode: args.view } : {}),
    ...(args.template !== undefined ? { template: args.template } : {}),
    ...(args.limit !== undefined && args.limit > 0 ? { maxRows: args.limit } : args.chart ? {} : { maxRows: limit > 0 ? limit : 200 }),
    ...(args.chart ? { render: chartRenderer(args.chart) } : {}),
  };
  let results: StatementResult[];
  // An interrupt stops what this cell started; jobs of earlier cells keep running (as TypeScript jobs do).
  const earlier = new Set(session.jobs);
  try {
    results = await env.interruptible(
      () => session.execute(call.body, { view, ...(args.restore !== undefined ? { restoreFrom: args.restore } : {}) }),
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
  return ssqlOutcome(results, args, limit);
};
