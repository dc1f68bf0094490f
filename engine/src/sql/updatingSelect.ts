import type { DataStream } from "../api/DataStream.js";
import type { Expr, Select } from "./ast.js";
import type { Column } from "./catalog.js";
import type { Change } from "./changelog.js";
import { ExprCompiler, type ScopeColumn } from "./compiler.js";
import { StreamSqlError } from "./errors.js";
import { projectedWindowProperties, resolveColumn, type WindowProperties } from "./windows/windowProperties.js";
import { planGroupAggregate } from "./groupAggregate.js";
import { containsAggregate, type NamedItem } from "./selectItems.js";
import { columnMonotonicity, type Monotonicity, projectMonotonicity, readsOnlyKeys, scopeColumn } from "./rank/monotonicity.js";

/**
 * A SELECT over an updating input (a view or subquery with a GROUP BY): WHERE and the SELECT list
 * apply to each change's row and keep its kind, as Flink's Calc does on a changelog (a filter may
 * so drop a +U and keep its -U: the row then leaves the result); an aggregate retracts what -U/-D take away.
 */
export function planSelectOverChanges(
  input: { changes: DataStream<Change>; columns: Column[]; uniqueKey: number[] | undefined; monotonicity?: Monotonicity[]; window?: WindowProperties },
  scope: ScopeColumn[],
  select: Select,
  items: NamedItem[],
): { changes: DataStream<Change>; columns: Column[]; uniqueKey: number[] | undefined; monotonicity?: Monotonicity[]; window?: WindowProperties } {
  let changes = input.changes;
  if (select.where) {
    const keep = new ExprCompiler(scope).predicate(select.where);
    changes = changes.filter((c) => keep(c.row)).name("WHERE");
  }
  if (select.groupBy.length > 0 || items.some((i) => containsAggregate(i.expr))) {
    return planGroupAggregate(changes, scope, select, items, true);
  }
  if (select.having) throw new StreamSqlError("validation", "HAVING needs a GROUP BY", select.having.at, "HAVING");
  const { fn, types } = new ExprCompiler(scope).rowFunction(items.map((i) => i.expr));
  // A rowtime shown as it is stays a time attribute (a deduplication's, an upsert source's): a window TVF may read it.
  const isRowtime = (e: Expr): boolean => e.kind === "column" && scope.find((c) => c.index === scopeColumn(scope, e))?.type.rowtime === true;
  const columns = items.map((i, n) => ({ name: i.name, type: { ...(types[n] ?? { name: "NULL" }), ...(isRowtime(i.expr) ? { rowtime: true } : {}) } }));
  // The unique key survives a projection that shows every key column as itself.
  const shown = input.uniqueKey?.map((k) => items.findIndex((i) => i.expr.kind === "column" && i.expr.name.toLowerCase() === input.columns[k]?.name.toLowerCase()));
  const uniqueKey = shown?.every((i) => i >= 0) ? shown : undefined;
  const keys = input.uniqueKey ?? [];
  const whereOnKeys = !select.where || readsOnlyKeys(select.where, (e) => keys.includes(scopeColumn(scope, e) ?? -1));
  const monotonicity =
    input.monotonicity && whereOnKeys
      ? projectMonotonicity(
          items.map((i) => i.expr),
          columnMonotonicity(scope, input.monotonicity),
        )
      : undefined;
  // A window TVF's bounds shown as they are keep its windows (a window join over them then fails as in Flink).
  const window = projectedWindowProperties(
    input.window,
    items.map((i) => i.expr),
    (e) => resolveColumn(e, scope)?.index,
  );
  return { changes: changes.map((c): Change => ({ kind: c.kind, row: fn(c.row) })).name("SELECT"), columns, uniqueKey, ...(monotonicity ? { monotonicity } : {}), ...(window ? { window } : {}) };
}
