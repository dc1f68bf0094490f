/**
 * ORDER BY and LIMIT under Flink's streaming rules (its planner's StreamPhysicalSortRule,
 * StreamPhysicalSortLimitRule, StreamPhysicalLimitRule):
 * - `ORDER BY <time attribute> ASC[, other keys]` alone: a temporal sort (RowTimeSortOperator): rows
 *   wait in state until the watermark passes their time, then go out in time order, ties by the
 *   other keys; a row at or before a time already emitted is dropped, as Flink drops it.
 * - `ORDER BY … LIMIT n [OFFSET m]`: Top-N over the whole result (a Rank without PARTITION BY, rank
 *   range [m + 1, m + n]), updating; over an updating result too (RetractableTopNFunction).
 * - `LIMIT n [OFFSET m]` alone: rows m + 1 to m + n as they arrive, append-only (AppendOnlyFirstNFunction).
 * - any other ORDER BY: Flink's validation error "Sort on a non-time-attribute field is not supported."
 * ORDER BY names the SELECT's output columns (its aliases), as Flink resolves it first.
 */
import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import type { MapState, ValueState } from "../../state/State.js";
import type { Expr, Select } from "../ast.js";
import { ExprCompiler } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { appendOnly, type Planned } from "../planner.js";
import { containsAggregate } from "../selectItems.js";
import { sortKeyComparator } from "../rank/rankFunctions.js";

const ROWNUM = "$sort_rownum";

/** `select`'s plan with its ORDER BY/LIMIT applied; `plan` plans a SELECT without them. */
export function planSortLimit(select: Select, plan: (s: Select) => Planned): Planned {
  const { orderBy, limit, offset = 0, ...rest } = select;
  const base: Select = rest;
  if (limit === undefined && offset > 0) throw new StreamSqlError("unsupported", "OFFSET without LIMIT (or FETCH) is not supported in streaming", select.at, "OFFSET");
  if (limit !== undefined && orderBy && orderBy.length > 0) return topN(base, orderBy, limit, offset, select, plan);
  const planned = appendOnly(plan(base), limit !== undefined ? "LIMIT" : "ORDER BY", select.at);
  const scope = planned.columns.map((c, index) => ({ name: c.name, type: c.type, index }));
  if (!orderBy || orderBy.length === 0) {
    return {
      ...planned,
      stream: planned.stream
        .keyBy(() => "")
        .process(firstN(offset, limit ?? 0))
        .name(`Limit(offset=[${offset}], fetch=[${limit}])`),
    };
  }
  const first = orderBy[0] as { expr: Expr; desc: boolean };
  const others = orderBy.slice(1);
  const name = first.expr.kind === "column" ? first.expr.name.toLowerCase() : undefined;
  const time = scope.find((c) => c.name.toLowerCase() === name);
  if (!time?.type.rowtime || first.desc)
    throw new StreamSqlError(
      "validation",
      first.desc && time?.type.rowtime
        ? "Sort on the time attribute descending is not supported in streaming; ORDER BY it ascending, or add LIMIT for a Top-N"
        : "Sort on a non-time-attribute field is not supported (ORDER BY a time attribute ascending first, or add LIMIT for a Top-N)",
      first.expr.at,
      undefined,
    );
  const keyOf = new ExprCompiler(scope).rowFunction(others.map((o) => o.expr)).fn;
  const compare = sortKeyComparator(others);
  const sorted = planned.stream
    .keyBy(() => "")
    .process(temporalSort(time.index, others.length > 0 ? (a, b) => compare(keyOf(a), keyOf(b)) : undefined))
    .name(`TemporalSort(orderBy=[${time.name} ASC${others.length > 0 ? ", …" : ""}])`);
  return { ...planned, stream: sorted };
}

/**
 * `SELECT * EXCEPT rn FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY …) AS rn FROM (<select>)) WHERE rn <= n`,
 * planned by the Top-N planner.
 */
function topN(query: Select, sortKeys: NonNullable<Select["orderBy"]>, limit: number, offset: number, select: Select, plan: (s: Select) => Planned): Planned {
  const at = select.at;
  const { base, orderBy, hidden } = withSortKeys(query, sortKeys);
  const rowNumber: Expr = { kind: "call", name: "ROW_NUMBER", args: [], distinct: false, star: false, over: { partitionBy: [], orderBy, at }, at };
  const inner: Select = {
    kind: "select",
    distinct: false,
    items: [
      { kind: "star", at },
      { kind: "expr", expr: rowNumber, alias: ROWNUM, at },
    ],
    from: { kind: "subquery", query: base, at },
    groupBy: [],
    at,
  };
  const rn: Expr = { kind: "column", name: ROWNUM, at };
  const int = (value: number): Expr => ({ kind: "literal", value, type: { name: "INT" }, at });
  const upTo: Expr = { kind: "binary", op: "<=", left: rn, right: int(offset + limit), at };
  // LIMIT n OFFSET m: the rank range [m + 1, m + n], as Flink's SortLimit.
  const where: Expr = offset > 0 ? { kind: "binary", op: "AND", left: { kind: "binary", op: ">", left: rn, right: int(offset), at }, right: upTo, at } : upTo;
  if (limit === 0) throw new StreamSqlError("unsupported", "ORDER BY … LIMIT 0 is not supported yet", at, "LIMIT");
  // The rank is not shown, so Top-N sends +I/-D rather than renumbering rows, as Flink's SortLimit.
  return plan({ kind: "select", distinct: false, items: [{ kind: "star", except: [ROWNUM, ...hidden], at }], from: { kind: "subquery", query: inner, at }, where, groupBy: [], at });
}

/**
 * ORDER BY keys that are not output columns (`SELECT id … ORDER BY amount`, `ORDER BY a * 2`) become
 * hidden items of a plain SELECT, as Calcite adds them to the projection and drops them after the sort.
 * Over an aggregate or DISTINCT they must name output columns (its aliases), which is what planning checks.
 */
function withSortKeys(base: Select, orderBy: NonNullable<Select["orderBy"]>): { base: Select; orderBy: NonNullable<Select["orderBy"]>; hidden: string[] } {
  const aggregated = base.distinct || base.groupBy.length > 0 || base.having !== undefined || base.items.some((i) => i.kind === "expr" && containsAggregate(i.expr));
  const outputs = new Set(base.items.flatMap((i) => (i.kind === "expr" ? [(i.alias ?? (i.expr.kind === "column" ? i.expr.name : "")).toLowerCase()] : [])));
  const star = base.items.some((i) => i.kind === "star");
  const hidden: string[] = [];
  const items = [...base.items];
  const keys = orderBy.map((o, k) => {
    const named = o.expr.kind === "column" && o.expr.table === undefined && (outputs.has(o.expr.name.toLowerCase()) || star);
    if (named || aggregated) return o;
    const name = `$sort_key${k}`;
    hidden.push(name);
    items.push({ kind: "expr", expr: o.expr, alias: name, at: o.expr.at });
    return { expr: { kind: "column", name, at: o.expr.at } as Expr, desc: o.desc };
  });
  return { base: { ...base, items }, orderBy: keys, hidden };
}

/** Flink's AppendOnlyFirstNFunction without a key: rows `offset + 1` to `offset + n`, then nothing. */
function firstN(offset: number, n: number): KeyedProcessFunction<string, Row, Row> & { count?: ValueState<number> } {
  return {
    open(rc) {
      this.count = rc.getState<number>("limit-count");
    },
    processElement(row, _ctx, out) {
      const count = this.count as ValueState<number>;
      const seen = count.value() ?? 0;
      if (seen >= offset + n) return;
      count.update(seen + 1);
      if (seen >= offset) out.collect(row);
    },
  };
}

/** Flink's RowTimeSortOperator: rows by time in keyed state, out in order as the watermark passes each time. */
function temporalSort(timeIndex: number, compare: ((a: Row, b: Row) => number) | undefined): KeyedProcessFunction<string, Row, Row> & { rows?: MapState<number, Row[]>; last?: ValueState<number> } {
  return {
    open(rc) {
      this.rows = rc.getMapState<number, Row[]>("sort-rows");
      this.last = rc.getState<number>("last-triggering-ts");
    },
    processElement(row, ctx) {
      const t = row[timeIndex] as number | null;
      const last = (this.last as ValueState<number>).value();
      if (t === null || (last !== undefined && t <= last)) return; // late: a time already emitted
      const rows = this.rows as MapState<number, Row[]>;
      rows.put(t, [...(rows.get(t) ?? []), row]);
      ctx.timerService.registerEventTimeTimer(t);
    },
    onTimer(ts, _ctx, out) {
      const rows = this.rows as MapState<number, Row[]>;
      const due = rows.get(ts);
      if (!due) return;
      // Array.prototype.sort is stable: equal rows stay in arrival order, as Java's List.sort.
      if (compare) due.sort(compare);
      for (const r of due) out.collect(r);
      rows.remove(ts);
      (this.last as ValueState<number>).update(ts);
    },
  };
}
