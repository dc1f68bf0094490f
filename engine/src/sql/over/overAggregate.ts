import type { DataStream } from "../../api/DataStream.js";
import { children, type Expr, type OverSpec, type Select } from "../ast.js";
import type { Column } from "../catalog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { NamedItem } from "../selectItems.js";
import { OverAggregates } from "./overAggregates.js";
import { overFunction } from "./overFunction.js";

type OverCall = Extract<Expr, { kind: "call" }> & { over: OverSpec };

/** Does `e` contain a window function call (`f(…) OVER …`)? */
export function containsOver(e: Expr): boolean {
  return (e.kind === "call" && e.over !== undefined) || children(e).some(containsOver);
}

/** The OVER calls of an expression, outermost first. */
export function overCalls(e: Expr): OverCall[] {
  if (e.kind === "call" && e.over) return [e as OverCall];
  return children(e).flatMap(overCalls);
}

/** A spec with `OVER w` resolved against the SELECT's WINDOW clause. */
export function resolveOver(spec: OverSpec, select: Select): OverSpec {
  if (spec.ref === undefined) return spec;
  const named = select.windows?.[spec.ref.toLowerCase()];
  if (!named) throw new StreamSqlError("validation", `Window '${spec.ref}' not found`, spec.at, spec.ref);
  return named;
}

const signature = (e: unknown): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));

/** The one window every OVER call of the SELECT uses (Flink's streaming OVER computes all of them on the same window). */
export function oneWindow(calls: OverCall[], select: Select): OverSpec {
  const specs = calls.map((c) => resolveOver(c.over, select));
  const first = specs[0] as OverSpec;
  const other = specs.findIndex((s) => signature({ ...s, ref: undefined }) !== signature({ ...first, ref: undefined }));
  if (other >= 0)
    throw new StreamSqlError(
      "unsupported",
      "Over Agg: Unsupported use of OVER windows. All aggregates must be computed on the same window.",
      (calls[other] as OverCall).at,
      (calls[other] as OverCall).name,
    );
  return first;
}

/** The rowtime column a streaming OVER window orders by, ascending, as Flink requires. */
export function orderColumn(spec: OverSpec, scope: ScopeColumn[], what = "OVER windows'"): { column: ScopeColumn; desc: boolean } {
  const order = spec.orderBy;
  const first = order[0];
  const column = first?.expr.kind === "column" ? scope.find((c) => first.expr.kind === "column" && c.name.toLowerCase() === first.expr.name.toLowerCase()) : undefined;
  if (order.length !== 1 || !column?.type.rowtime) throw new StreamSqlError("validation", `${what} ordering in stream mode must be defined on a time attribute.`, first?.expr.at ?? spec.at, undefined);
  return { column, desc: (first as { desc: boolean }).desc };
}

/**
 * `SELECT …, agg(x) OVER (PARTITION BY k ORDER BY rowtime [ROWS|RANGE … PRECEDING]) FROM t [WHERE …]`
 * (or `OVER w` with `WINDOW w AS (…)`): WHERE first, then Flink's event-time OVER operator keyed by
 * the partition (overFunction.ts) appends the aggregates to each row, then the SELECT list. Append-only.
 */
export function planOverAggregate(input: DataStream<Row>, scope: ScopeColumn[], select: Select, items: NamedItem[]): { stream: DataStream<Row>; columns: Column[] } {
  if (select.groupBy.length > 0 || select.having) throw new StreamSqlError("unsupported", "OVER windows with GROUP BY or HAVING in the same SELECT are not supported yet", select.at, "OVER");
  const calls = items.flatMap((i) => overCalls(i.expr));
  const spec = oneWindow(calls, select);
  const rowNumber = calls.find((c) => c.name === "ROW_NUMBER");
  if (rowNumber)
    throw new StreamSqlError(
      "unsupported",
      "ROW_NUMBER() is supported only for Top-N and deduplication: SELECT … FROM (SELECT …, ROW_NUMBER() OVER (…) AS rownum FROM t) WHERE rownum <= N",
      rowNumber.at,
      "ROW_NUMBER",
    );
  const { column: time, desc } = orderColumn(spec, scope);
  if (desc) throw new StreamSqlError("validation", "OVER windows' ordering in stream mode must be ascending on the time attribute.", spec.at, "DESC");
  const frame = spec.frame ?? { unit: "range" as const, preceding: undefined };

  const distinct: OverCall[] = [];
  for (const c of calls) if (!distinct.some((d) => signature(d) === signature(c))) distinct.push(c);
  const aggs = new OverAggregates(distinct, scope);
  const keyOf = new ExprCompiler(scope).rowFunction(spec.partitionBy).fn;
  const timeIndex = time.index;
  const over = input
    .keyBy(spec.partitionBy.length === 0 ? () => "" : (r) => JSON.stringify(keyOf(r)))
    .process(overFunction(aggs, frame, (r) => r[timeIndex] as number))
    .name(`OverAggregate(${spec.partitionBy.length > 0 ? "partitionBy, " : ""}orderBy=[${time.name}], ${frame.unit.toUpperCase()} ${frame.preceding ?? "UNBOUNDED"} PRECEDING)`);

  // The SELECT list sees the input's columns, then the aggregates at n + j.
  const n = scope.length;
  const override = (e: Expr): Compiled | undefined => {
    if (e.kind !== "call" || !e.over) return undefined;
    const j = distinct.findIndex((d) => signature(d) === signature(e));
    return { code: `r[${n + j}]`, type: aggs.types[j] as Compiled["type"] };
  };
  const { fn, types } = new ExprCompiler(scope, override).rowFunction(items.map((i) => i.expr));
  const columns = items.map((i, k) => {
    const e = i.expr;
    const rowtime = e.kind === "column" && e.name.toLowerCase() === time.name.toLowerCase();
    return { name: i.name, type: { ...(types[k] ?? { name: "NULL" as const }), ...(rowtime ? { rowtime: true } : {}) } };
  });
  return { stream: over.map(fn).name("SELECT"), columns };
}
