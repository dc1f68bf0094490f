import type { DataStream } from "../api/DataStream.js";
import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import type { ValueState } from "../state/State.js";
import type { Expr, Select } from "./ast.js";
import type { Column } from "./catalog.js";
import type { Change } from "./changelog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "./compiler.js";
import type { Row } from "./connectors.js";
import { StreamSqlError } from "./errors.js";
import type { NamedItem } from "./planner.js";
import { isIntegral, type SqlType } from "./types.js";

const AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG"];

interface AggCall {
  name: string;
  signature: string;
  arg: ((r: Row) => unknown) | undefined;
  type: SqlType;
  integralAvg: boolean;
}

/**
 * A group's accumulators (the keyed ValueState, so it is checkpointed with the operator): the
 * group's values, and per aggregate the count, sum, min and max of its non-NULL arguments. The
 * input is append-only (every source of this slice is), so MIN/MAX never retract and need no
 * multiset of values (Flink's MinAggFunction, not MinWithRetractAggFunction, for the same reason).
 */
interface Acc {
  keys: Row;
  n: number[];
  sum: number[];
  min: unknown[];
  max: unknown[];
}

/** An updating aggregate's plan: its changelog, and the output columns that are its unique key. */
export interface PlannedGroupAggregate {
  changes: DataStream<Change>;
  columns: Column[];
  /** Output columns holding the GROUP BY keys (`[]` for a global aggregate); undefined if the SELECT does not show them all. */
  uniqueKey: number[] | undefined;
}

const signature = (e: Expr): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));

/**
 * `SELECT … FROM t GROUP BY k…` (or aggregates without GROUP BY) on a stream, as Flink's
 * GroupAggFunction: keyed by the group, the accumulators in keyed state, and for each input row
 * the group's new result as a changelog: +I for a new group, -U old / +U new when the aggregates
 * changed (nothing when they did not). HAVING and the SELECT list run in the same function, so a
 * group that stops (or starts) passing HAVING is a -D (or +I) rather than a lone -U: it folds to
 * the table Flink's does, and a -U is always followed by its +U.
 */
export function planGroupAggregate(input: DataStream<Row>, scope: ScopeColumn[], select: Select, items: NamedItem[]): PlannedGroupAggregate {
  const groupCols = select.groupBy.map((g) => {
    if (g.kind !== "column") throw new StreamSqlError("unsupported", "GROUP BY expressions other than columns are not supported yet", g.at, undefined);
    const c = scope.find((s) => s.name.toLowerCase() === g.name.toLowerCase() && (g.table === undefined || s.table?.toLowerCase() === g.table.toLowerCase()));
    if (!c) throw new StreamSqlError("validation", `Column '${g.name}' not found in any table`, g.at, g.name);
    return c;
  });
  const names = groupCols.map((c) => c.name.toLowerCase());
  const keyOf = new ExprCompiler(scope).rowFunction(groupCols.map((c) => ({ kind: "column", name: c.name, at: select.at }))).fn;

  const aggs: AggCall[] = [];
  const collect = (e: Expr): void => {
    if (e.kind === "call" && AGGREGATES.includes(e.name)) {
      if (e.distinct) throw new StreamSqlError("unsupported", `${e.name}(DISTINCT …) is not supported yet`, e.at, e.name);
      const sig = signature(e);
      if (aggs.some((a) => a.signature === sig)) return;
      if (!e.star && e.args.length !== 1) throw new StreamSqlError("validation", `${e.name} takes one argument`, e.at, e.name);
      const arg = e.star ? undefined : new ExprCompiler(scope).value(e.args[0] as Expr);
      const argType = arg?.type ?? { name: "BIGINT" };
      aggs.push({ name: e.name, signature: sig, arg: arg?.fn, type: e.name === "COUNT" ? { name: "BIGINT" } : { name: argType.name }, integralAvg: e.name === "AVG" && isIntegral(argType) });
      return;
    }
    for (const child of children(e)) collect(child);
  };
  items.forEach((i) => collect(i.expr));
  if (select.having) collect(select.having);

  // The SELECT list and HAVING see group columns at 0..g-1 and aggregates at g..
  const g = groupCols.length;
  const override = (e: Expr): Compiled | undefined => {
    if (e.kind === "column") {
      const i = names.indexOf(e.name.toLowerCase());
      if (i < 0) throw new StreamSqlError("validation", `Expression '${e.name}' is not being grouped`, e.at, e.name);
      return { code: `r[${i}]`, type: { name: (groupCols[i] as ScopeColumn).type.name } };
    }
    if (e.kind === "call") {
      const j = aggs.findIndex((a) => a.signature === signature(e));
      if (j >= 0) return { code: `r[${g + j}]`, type: (aggs[j] as AggCall).type };
    }
    return undefined;
  };
  const having = select.having ? new ExprCompiler([], override).predicate(select.having) : () => true;
  const { fn: project, types } = new ExprCompiler([], override).rowFunction(items.map((i) => i.expr));
  const columns = items.map((i, n) => ({ name: i.name, type: types[n] ?? { name: "NULL" } }));
  const shown = groupCols.map((_, i) => items.findIndex((it) => it.expr.kind === "column" && it.expr.name.toLowerCase() === names[i]));
  const uniqueKey = shown.every((i) => i >= 0) ? shown : undefined;

  const add = (acc: Acc, r: Row): Acc => {
    const next: Acc = { keys: acc.keys, n: [...acc.n], sum: [...acc.sum], min: [...acc.min], max: [...acc.max] };
    for (let j = 0; j < aggs.length; j++) {
      const a = aggs[j] as AggCall;
      const v = a.arg ? a.arg(r) : 1;
      if (v === null || v === undefined) continue;
      next.n[j]! += 1;
      if (typeof v === "number") next.sum[j]! += v;
      if (next.min[j] === null || (v as number) < (next.min[j] as number)) next.min[j] = v;
      if (next.max[j] === null || (v as number) > (next.max[j] as number)) next.max[j] = v;
    }
    return next;
  };
  const result = (acc: Acc): Row => {
    const row: Row = [...acc.keys];
    for (let j = 0; j < aggs.length; j++) {
      const n = acc.n[j] as number;
      switch ((aggs[j] as AggCall).name) {
        case "COUNT":
          row.push(n);
          break;
        case "SUM":
          row.push(n === 0 ? null : acc.sum[j]);
          break;
        case "MIN":
          row.push(acc.min[j]);
          break;
        case "MAX":
          row.push(acc.max[j]);
          break;
        default: {
          const avg = (acc.sum[j] as number) / n;
          row.push(n === 0 ? null : (aggs[j] as AggCall).integralAvg ? Math.trunc(avg) : avg);
        }
      }
    }
    return row;
  };

  const fn: KeyedProcessFunction<string, Row, Change> & { acc?: ValueState<Acc> } = {
    open(rc) {
      this.acc = rc.getState<Acc>("acc");
    },
    processElement(r, _ctx, out) {
      const state = this.acc as ValueState<Acc>;
      const before = state.value();
      const acc = add(before ?? { keys: keyOf(r), n: aggs.map(() => 0), sum: aggs.map(() => 0), min: aggs.map(() => null), max: aggs.map(() => null) }, r);
      state.update(acc);
      const next = result(acc);
      if (before === undefined) {
        if (having(next)) out.collect({ kind: "+I", row: project(next) });
        return;
      }
      const prev = result(before);
      // As Flink: an input that leaves the aggregates as they were emits nothing.
      if (JSON.stringify(prev) === JSON.stringify(next)) return;
      const [was, is] = [having(prev), having(next)];
      if (was && is) {
        out.collect({ kind: "-U", row: project(prev) });
        out.collect({ kind: "+U", row: project(next) });
      } else if (was) out.collect({ kind: "-D", row: project(prev) });
      else if (is) out.collect({ kind: "+I", row: project(next) });
    },
  };
  // A global aggregate is one group: every row goes to one key (Flink runs it at parallelism 1).
  const changes = input
    .keyBy((r) => (g === 0 ? "" : JSON.stringify(keyOf(r))))
    .process(fn)
    .name(g === 0 ? "GroupAggregate(global)" : `GroupAggregate(groupBy=[${groupCols.map((c) => c.name).join(", ")}])`);
  return { changes, columns, uniqueKey };
}

export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "unary":
    case "cast":
    case "isNull":
      return [e.arg];
    case "binary":
      return [e.left, e.right];
    case "between":
      return [e.arg, e.low, e.high];
    case "in":
      return [e.arg, ...e.list];
    case "like":
      return [e.arg, e.pattern];
    case "case":
      return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case "call":
      return e.args;
    default:
      return [];
  }
}
