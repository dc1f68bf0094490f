import type { Expr, Select } from "../ast.js";
import type { ScopeColumn } from "../compiler.js";
import { StreamSqlError } from "../errors.js";
import { planGroupAggregate } from "../groupAggregate.js";
import type { Planned, UpdatingPlanned } from "../planner.js";

/**
 * `SELECT DISTINCT …` as Flink plans it: the query without DISTINCT, then a group aggregate over
 * all of its columns with no aggregate function. The result is updating (+I when a row first
 * appears; over an updating input, -D when its last copy is retracted), keyed by the whole row.
 */
export function planSelectDistinct(inner: Planned, select: Select): UpdatingPlanned {
  const names = inner.columns.map((c) => c.name.toLowerCase());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new StreamSqlError("validation", `SELECT DISTINCT needs distinct column names; '${twice}' appears twice (give one an alias)`, select.at, "DISTINCT");
  // The inner query's rows have a fresh scope: its columns by name, unqualified.
  const scope: ScopeColumn[] = inner.columns.map((c, index) => ({ name: c.name, type: { ...c.type, rowtime: false }, index }));
  const refs: Expr[] = inner.columns.map((c) => ({ kind: "column", name: c.name, at: select.at }));
  const grouping: Select = { kind: "select", distinct: false, items: [], from: select.from, groupBy: refs, at: select.at };
  const items = refs.map((expr, i) => ({ expr, name: (inner.columns[i] as { name: string }).name }));
  const planned = inner.changes ? planGroupAggregate(inner.changes, scope, grouping, items, true) : planGroupAggregate(inner.stream, scope, grouping, items);
  return { ...planned, bounded: inner.bounded };
}
