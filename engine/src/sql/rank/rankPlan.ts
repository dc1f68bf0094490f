import type { DataStream } from "../../api/DataStream.js";
import { children, type Expr, type Select } from "../ast.js";
import type { Column } from "../catalog.js";
import type { Change } from "../changelog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { containsOver, orderColumn, resolveOver } from "../over/overAggregate.js";
import type { NamedItem } from "../planner.js";
import { appendOnlyTopN, keepOne, sortKeyComparator } from "./rankFunctions.js";
import { windowRank } from "./windowRank.js";

const isRowNumber = (e: Expr): boolean => e.kind === "call" && e.name === "ROW_NUMBER" && e.over !== undefined;

/** `SELECT … FROM (SELECT …, ROW_NUMBER() OVER (…) AS rownum FROM t) WHERE rownum …`: the inner SELECT, if `select` is one. */
export function rankInput(select: Select): Select | undefined {
  const from = select.from;
  if (from.kind !== "subquery" || from.query.kind !== "select") return undefined;
  return from.query.items.some((i) => i.kind === "expr" && isRowNumber(i.expr)) ? from.query : undefined;
}

/** The rank range's end from `rownum <= N`, `rownum < N`, `rownum = 1` (or the same reversed). */
function rankEnd(where: Expr | undefined, rownum: string, at: Select["at"]): number {
  const fail = (e: Expr | undefined): never => {
    throw new StreamSqlError(
      "unsupported",
      `Top-N needs WHERE ${rownum} <= N (or < N, or = 1 for deduplication) alone; other conditions on ${rownum} or beside it are not supported yet`,
      e?.at ?? at,
      e ? undefined : "WHERE",
    );
  };
  if (!where || where.kind !== "binary") return fail(where);
  const isRank = (e: Expr): boolean => e.kind === "column" && e.name.toLowerCase() === rownum.toLowerCase();
  const num = (e: Expr): number | undefined => (e.kind === "literal" && typeof e.value === "number" && Number.isInteger(e.value) ? e.value : undefined);
  const flipped: Record<string, string> = { "<=": ">=", "<": ">", "=": "=", ">=": "<=", ">": "<" };
  const [op, n] = isRank(where.left) ? [where.op, num(where.right)] : isRank(where.right) ? [flipped[where.op], num(where.left)] : [undefined, undefined];
  if (n === undefined) return fail(where);
  if (op === "<=" && n >= 1) return n;
  if (op === "<" && n >= 2) return n - 1;
  if (op === "=" && n === 1) return 1;
  return fail(where);
}

/**
 * Flink's Top-N and deduplication over an append-only input: the inner SELECT's WHERE, then per
 * PARTITION BY key RowTimeDeduplicate (`rownum = 1` ordered by the rowtime alone: keep first ASC /
 * last DESC), FastTop1 (other `rownum = 1`) or AppendOnlyTopN (rankFunctions.ts), then the inner and outer
 * SELECT lists. An updating result, keyed by the partition columns and rownum when all are shown.
 * Partitioned by window_start and window_end, it is Flink's window Top-N / window deduplication
 * instead (windowRank.ts): final rows per window once the watermark passes its end, append-only.
 */
export function planRank(
  input: DataStream<Row>,
  scope: ScopeColumn[],
  outer: Select,
  inner: Select,
  expand: (select: Select, columns: Column[], qualifier: string | undefined | (string | undefined)[]) => NamedItem[],
  innerColumns: Column[],
): { changes: DataStream<Change>; columns: Column[]; uniqueKey: number[] | undefined; stream?: undefined } | { stream: DataStream<Row>; columns: Column[]; changes?: undefined } {
  if (inner.groupBy.length > 0 || inner.having || inner.distinct) throw new StreamSqlError("unsupported", "Top-N over a GROUP BY in the same SELECT is not supported yet", inner.at, "ROW_NUMBER");
  // Each input column's table, so `A.*` over a join expands to A's columns only.
  const innerItems = expand(
    inner,
    innerColumns,
    scope.map((c) => c.table),
  );
  const p = innerItems.findIndex((i) => isRowNumber(i.expr));
  const other = innerItems.find((i, k) => k !== p && containsOver(i.expr));
  if (other) throw new StreamSqlError("unsupported", "other OVER calls beside ROW_NUMBER() are not supported in a Top-N query", other.expr.at, undefined);
  const call = (innerItems[p] as NamedItem).expr as Extract<Expr, { kind: "call" }>;
  const spec = resolveOver(call.over as NonNullable<typeof call.over>, inner);
  if (spec.frame) throw new StreamSqlError("validation", "ROW_NUMBER() does not take a window frame", spec.at, "ROW_NUMBER");
  if (spec.orderBy.length === 0) throw new StreamSqlError("validation", "ROW_NUMBER() needs ORDER BY in its OVER", spec.at, "ROW_NUMBER");
  const rownum = (innerItems[p] as NamedItem).name;
  const end = rankEnd(outer.where, rownum, outer.at);

  // The inner SELECT list sees the input and the rank at n; the outer one sees the inner's columns.
  const n = scope.length;
  const override = (e: Expr): Compiled | undefined => (isRowNumber(e) ? { code: `r[${n}]`, type: { name: "BIGINT" } } : undefined);
  const innerFn = new ExprCompiler(scope, override).rowFunction(innerItems.map((i) => i.expr));
  const innerCols: Column[] = innerItems.map((i, k) => ({ name: i.name, type: innerFn.types[k] ?? { name: "NULL" } }));
  const alias = outer.from.kind === "subquery" ? outer.from.alias : undefined;
  const outerItems = expand(outer, innerCols, alias);
  const outerScope: ScopeColumn[] = innerCols.map((c, index) => ({ name: c.name, type: c.type, index, ...(alias ? { table: alias } : {}) }));
  const outerFn = new ExprCompiler(outerScope).rowFunction(outerItems.map((i) => i.expr));
  const columns = outerItems.map((i, k) => ({ name: i.name, type: outerFn.types[k] ?? { name: "NULL" } }));
  const shows = (name: string): number => outerItems.findIndex((i) => i.expr.kind === "column" && i.expr.name.toLowerCase() === name.toLowerCase());
  // As Flink's RankNumberColumnRemoveRule: a rank range of [1, 1] numbers every row 1, so the rank is not output but a constant.
  const outputRankNumber = end > 1 && outerItems.some((i) => reads(i.expr, rownum));

  let stream = input;
  if (inner.where) stream = stream.filter(new ExprCompiler(scope).predicate(inner.where)).name("WHERE");
  const keyOf = new ExprCompiler(scope).rowFunction(spec.partitionBy).fn;
  const keyed = stream.keyBy(spec.partitionBy.length === 0 ? () => "" : (r) => JSON.stringify(keyOf(r)));
  const time = spec.orderBy.length === 1 ? scope.find((c) => spec.orderBy[0]?.expr.kind === "column" && c.name.toLowerCase() === spec.orderBy[0].expr.name.toLowerCase()) : undefined;
  const sortKeyOf = new ExprCompiler(scope).rowFunction(spec.orderBy.map((o) => o.expr)).fn;
  const compare = sortKeyComparator(spec.orderBy.map((o) => o.desc));
  const names = spec.partitionBy.map((e) => (e.kind === "column" ? e.name.toLowerCase() : ""));
  const windowEnd = scope.find((c) => c.name.toLowerCase() === "window_end");
  if (names.includes("window_start") && names.includes("window_end") && windowEnd) {
    // Window Top-N / window deduplication: final per window, append-only.
    const dedup = end === 1 && !outputRankNumber && spec.orderBy.length === 1 && time?.type.name === "TIMESTAMP";
    const keepLast = dedup && (spec.orderBy[0] as { desc: boolean }).desc;
    const byKey = (a: Row, b: Row) => compare(sortKeyOf(a), sortKeyOf(b));
    const ranks = keyed.process(windowRank((r) => r[windowEnd.index] as number, byKey, end, keepLast)).name(`WindowRank(rankRange=[1, ${end}])`);
    const rows = ranks.map((r) => outerFn.fn(innerFn.fn(outputRankNumber ? r : [...r.slice(0, n), end === 1 ? 1 : null]))).name("SELECT");
    return { stream: rows, columns };
  }
  let ranked: DataStream<Change>;
  if (end === 1 && !outputRankNumber && time?.type.rowtime) {
    const { column, desc } = orderColumn(spec, scope, "Deduplicate");
    const t = column.index;
    const replaces = desc ? (r: Row, kept: Row) => (kept[t] as number) <= (r[t] as number) : (r: Row, kept: Row) => (r[t] as number) < (kept[t] as number);
    ranked = keyed.process(keepOne(replaces)).name(`Deduplicate(keep=${desc ? "LastRow" : "FirstRow"}, rowtime)`);
  } else if (end === 1) {
    ranked = keyed.process(keepOne((r, kept) => compare(sortKeyOf(r), sortKeyOf(kept)) < 0)).name("FastTop1");
  } else {
    ranked = keyed.process(appendOnlyTopN(sortKeyOf, compare, end, outputRankNumber)).name(`Rank(rankType=ROW_NUMBER, rankRange=[1, ${end}])`);
  }
  const project = (r: Row): Row => outerFn.fn(innerFn.fn(outputRankNumber ? r : [...r, end === 1 ? 1 : null]));
  const changes = ranked.map((c): Change => ({ kind: c.kind, row: project(c.row) })).name("SELECT");

  // Flink's unique key: the partition keys and the rank (Top-N), the partition keys (deduplication).
  const partition = spec.partitionBy.map((e) => (e.kind === "column" ? innerItems.find((i) => i.expr.kind === "column" && i.expr.name.toLowerCase() === e.name.toLowerCase())?.name : undefined));
  const keyNames = outputRankNumber ? [...partition, rownum] : end === 1 ? partition : [undefined];
  const key = keyNames.map((name) => (name === undefined ? -1 : shows(name)));
  // A deduplication on the rowtime keeps it a time attribute (a versioned view for temporal joins, as in Flink).
  const rowtimeDedup = end === 1 && !outputRankNumber && time?.type.rowtime === true;
  const innerRowtime = (name: string): boolean =>
    innerItems.some((i) => i.name.toLowerCase() === name.toLowerCase() && i.expr.kind === "column" && i.expr.name.toLowerCase() === time?.name.toLowerCase());
  const shownRowtime = (k: number): boolean => {
    const e = outerItems[k]?.expr;
    return e?.kind === "column" && innerRowtime(e.name);
  };
  const typed = rowtimeDedup ? columns.map((c, k) => (shownRowtime(k) ? { ...c, type: { ...c.type, rowtime: true } } : c)) : columns;
  return { changes, columns: typed, uniqueKey: key.every((i) => i >= 0) ? key : undefined };
}

function reads(e: Expr, name: string): boolean {
  return e.kind === "column" ? e.name.toLowerCase() === name.toLowerCase() : children(e).some((x) => reads(x, name));
}
