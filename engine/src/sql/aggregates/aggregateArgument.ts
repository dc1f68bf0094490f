import type { Expr } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { SqlType } from "../types.js";

/**
 * What an aggregate call reads from a row: its argument's value, or 1 for `COUNT(*)`; `undefined`
 * for a plain `COUNT(*)` (every row counts). With `FILTER (WHERE cond)` a row the condition does
 * not hold for reads as NULL, which every aggregate skips as it skips a NULL argument, so a group
 * whose rows all fail the filter shows COUNT 0 and SUM/MIN/MAX/AVG NULL, as Flink's do. A DISTINCT
 * aggregate with a filter so counts only the values of rows that pass it.
 */
export function aggregateArgument(e: Extract<Expr, { kind: "call" }>, scope: ScopeColumn[]): { fn: ((r: Row) => unknown) | undefined; type: SqlType } {
  if (!e.star && e.args.length !== 1) throw new StreamSqlError("validation", `${e.name} takes one argument`, e.at, e.name);
  const arg = e.star ? undefined : new ExprCompiler(scope).value(e.args[0] as Expr);
  const type = arg?.type ?? { name: "BIGINT" };
  if (!e.filter) return { fn: arg?.fn, type };
  const keep = new ExprCompiler(scope).predicate(e.filter);
  const value = arg?.fn;
  return { fn: value ? (r) => (keep(r) ? value(r) : null) : (r) => (keep(r) ? 1 : null), type };
}
