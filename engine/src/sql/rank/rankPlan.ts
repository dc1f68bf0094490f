import type { DataStream } from "../../api/DataStream.js";
import { children, type Expr, type Select } from "../ast.js";
import type { Column } from "../catalog.js";
import type { Change } from "../changelog.js";
import { ExprCompiler, type Compiled, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import { uidAsAtParallelismOne } from "../restore/planUids.js";
import { containsOver, orderColumn, resolveOver } from "../over/overAggregate.js";
import type { NamedItem } from "../selectItems.js";
import { appendOnlyTopN, keepOne, sortKeyComparator } from "./rankFunctions.js";
import { type Monotonicity, readsOnlyKeys, scopeColumn, updateFastKey } from "./monotonicity.js";
import { retractableTopN } from "./retractTopN.js";
import { updatableTopN } from "./updatableTopN.js";
import { windowRank } from "./windowRank.js";

const isRowNumber = (e: Expr): boolean => e.kind === "call" && e.name === "ROW_NUMBER" && e.over !== undefined;

/** `SELECT … FROM (SELECT …, ROW_NUMBER() OVER (…) AS rownum FROM t) WHERE rownum …`: the inner SELECT, if `select` is one. */
export function rankInput(select: Select): Select | undefined {
  const from = select.from;
  if (from.kind !== "subquery" || from.query.kind !== "select") return undefined;
  return from.query.items.some((i) => i.kind === "expr" && isRowNumber(i.expr)) ? from.query : undefined;
}

/**
 * The rank range [start, end] from the outer WHERE: `rownum <= N`, `< N`, `= N`, with `> M` / `>= M`
 * beside it (AND) or `rownum BETWEEN M AND N`, either side of the comparison, as Flink reads them.
 */
function rankRange(where: Expr | undefined, rownum: string, at: Select["at"]): { start: number; end: number } {
  const fail = (e: Expr | undefined): never => {
    throw new StreamSqlError(
      "unsupported",
      `Top-N needs WHERE ${rownum} <= N (or < N, = N, BETWEEN M AND N, or a lower bound AND an upper one) alone; other conditions on ${rownum} or beside it are not supported yet`,
      e?.at ?? at,
      e ? undefined : "WHERE",
    );
  };
  const isRank = (e: Expr): boolean => e.kind === "column" && e.name.toLowerCase() === rownum.toLowerCase();
  const num = (e: Expr): number | undefined => (e.kind === "literal" && typeof e.value === "number" && Number.isInteger(e.value) ? e.value : undefined);
  const flipped: Record<string, string> = { "<=": ">=", "<": ">", "=": "=", ">=": "<=", ">": "<" };
  let start = 1;
  let end = Number.POSITIVE_INFINITY;
  const bound = (e: Expr): void => {
    if (e.kind === "binary" && e.op === "AND") {
      bound(e.left);
      bound(e.right);
      return;
    }
    if (e.kind === "between" && !e.negated && isRank(e.arg)) {
      const [lo, hi] = [num(e.low), num(e.high)];
      if (lo === undefined || hi === undefined) return fail(e);
      start = Math.max(start, lo);
      end = Math.min(end, hi);
      return;
    }
    if (e.kind !== "binary") return fail(e);
    const [op, n] = isRank(e.left) ? [e.op, num(e.right)] : isRank(e.right) ? [flipped[e.op], num(e.left)] : [undefined, undefined];
    if (n === undefined) return fail(e);
    if (op === "<=") end = Math.min(end, n);
    else if (op === "<") end = Math.min(end, n - 1);
    else if (op === ">=") start = Math.max(start, n);
    else if (op === ">") start = Math.max(start, n + 1);
    else if (op === "=") {
      start = Math.max(start, n);
      end = Math.min(end, n);
    } else fail(e);
  };
  if (!where) return fail(where);
  bound(where);
  if (end === Number.POSITIVE_INFINITY || end < start || end < 1) return fail(where);
  return { start, end };
}

/**
 * Flink's Top-N and deduplication: the inner SELECT's WHERE, then per PARTITION BY key, over an
 * append-only input, RowTimeDeduplicate (`rownum = 1` ordered by the rowtime alone: keep first ASC /
 * last DESC), FastTop1 (other `rownum = 1`) or AppendOnlyTopN (rankFunctions.ts), over an updating
 * one RetractableTopN (retractTopN.ts), then the inner and outer SELECT lists. An updating result,
 * keyed by the partition columns and rownum when all are shown (or, rownum not shown over an
 * updating input, by the input's unique key if the SELECTs keep it).
 * Partitioned by window_start and window_end, it is Flink's window Top-N / window deduplication
 * instead (windowRank.ts): final rows per window once the watermark passes its end, append-only.
 */
export function planRank(
  input:
    | { stream: DataStream<Row>; changes?: undefined }
    | { changes: DataStream<Change>; uniqueKey: number[] | undefined; monotonicity?: Monotonicity[]; stream?: undefined; window?: { start: number; end: number } },
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
  const { start, end } = rankRange(outer.where, rownum, outer.at);

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
  // As Flink's RankNumberColumnRemoveRule: a rank range of [N, N] numbers every row N, so the rank is not output but a constant.
  const fixed = start === end;
  const outputRankNumber = !fixed && outerItems.some((i) => reads(i.expr, rownum));
  const keyOf = new ExprCompiler(scope).rowFunction(spec.partitionBy).fn;
  const partitionOf = spec.partitionBy.length === 0 ? () => "" : (r: Row) => JSON.stringify(keyOf(r));
  const sortKeyOf = new ExprCompiler(scope).rowFunction(spec.orderBy.map((o) => o.expr)).fn;
  const compare = sortKeyComparator(spec.orderBy);
  const project = (r: Row): Row => outerFn.fn(innerFn.fn(outputRankNumber ? r : [...r, fixed ? end : null]));
  // Flink's unique key: the partition keys and the rank (Top-N), the partition keys (deduplication).
  const partition = spec.partitionBy.map((e) => (e.kind === "column" ? innerItems.find((i) => i.expr.kind === "column" && i.expr.name.toLowerCase() === e.name.toLowerCase())?.name : undefined));
  const keyOfOutput = (keyNames: (string | undefined)[]): number[] | undefined => {
    const key = keyNames.map((name) => (name === undefined ? -1 : shows(name)));
    return key.every((i) => i >= 0) ? key : undefined;
  };

  if (input.changes) {
    // A window TVF's changes partitioned by their windows: Flink's window Top-N takes none.
    const window = input.window;
    const partitioned = (i: number | undefined) => spec.partitionBy.some((e) => e.kind === "column" && scope.find((c) => c.name.toLowerCase() === e.name.toLowerCase())?.index === i);
    if (window && partitioned(window.start) && partitioned(window.end))
      throw new StreamSqlError("unsupported", "StreamPhysicalWindowRank doesn't support consuming update and delete changes (a window Top-N over an updating input)", outer.at, undefined);
    let changes = input.changes;
    if (inner.where) {
      const keep = new ExprCompiler(scope).predicate(inner.where);
      changes = changes.filter((c) => keep(c.row)).name("WHERE");
    }
    const fastKey = updateFastStrategy(input, scope, inner.where, spec);
    const keyed = changes.keyBy((c) => partitionOf(c.row));
    const ranked = fastKey
      ? named(keyed.process(updatableTopN(sortKeyOf, compare, (r) => JSON.stringify(fastKey.map((k) => r[k])), start, end, outputRankNumber)), `UpdateFastStrategy[${fastKey.join(",")}]`, start, end)
      : named(keyed.process(retractableTopN(sortKeyOf, compare, start, end, outputRankNumber)), "RetractStrategy", start, end);
    // Rows not renumbered keep the input's unique key, if both SELECTs show it as a column.
    const through = (name: string | undefined): string | undefined => {
      const item = innerItems.find((i) => i.expr.kind === "column" && i.expr.name.toLowerCase() === name?.toLowerCase());
      return item?.name;
    };
    const inputKey = input.uniqueKey?.map((k) => through(scope[k]?.name));
    const keyNames = outputRankNumber ? [...partition, rownum] : fixed ? partition : (inputKey ?? [undefined]);
    return { changes: ranked.map((c): Change => ({ kind: c.kind, row: project(c.row) })).name("SELECT"), columns, uniqueKey: keyOfOutput(keyNames) };
  }

  let stream = input.stream;
  if (inner.where) stream = stream.filter(new ExprCompiler(scope).predicate(inner.where)).name("WHERE");
  const keyed = stream.keyBy(partitionOf);
  const time = spec.orderBy.length === 1 ? scope.find((c) => spec.orderBy[0]?.expr.kind === "column" && c.name.toLowerCase() === spec.orderBy[0].expr.name.toLowerCase()) : undefined;
  const names = spec.partitionBy.map((e) => (e.kind === "column" ? e.name.toLowerCase() : ""));
  const windowEnd = scope.find((c) => c.name.toLowerCase() === "window_end");
  if (names.includes("window_start") && names.includes("window_end") && windowEnd) {
    if (start > 1) throw new StreamSqlError("unsupported", `a window Top-N with a rank range starting after 1 is not supported yet`, outer.where?.at ?? outer.at, undefined);
    // Window Top-N / window deduplication: final per window, append-only.
    const dedup = end === 1 && !outputRankNumber && spec.orderBy.length === 1 && time?.type.name === "TIMESTAMP";
    const keepLast = dedup && (spec.orderBy[0] as { desc: boolean }).desc;
    const byKey = (a: Row, b: Row) => compare(sortKeyOf(a), sortKeyOf(b));
    const ranks = keyed.process(windowRank((r) => r[windowEnd.index] as number, byKey, end, keepLast)).name(`WindowRank(rankRange=[1, ${end}])`);
    const rows = ranks.map((r) => outerFn.fn(innerFn.fn(outputRankNumber ? r : [...r.slice(0, n), end === 1 ? 1 : null]))).name("SELECT");
    return { stream: rows, columns };
  }
  let ranked: DataStream<Change>;
  if (start === 1 && end === 1 && time?.type.rowtime) {
    const { column, desc } = orderColumn(spec, scope, "Deduplicate");
    const t = column.index;
    const replaces = desc ? (r: Row, kept: Row) => (kept[t] as number) <= (r[t] as number) : (r: Row, kept: Row) => (r[t] as number) < (kept[t] as number);
    ranked = keyed.process(keepOne(replaces)).name(`Deduplicate(keep=${desc ? "LastRow" : "FirstRow"}, rowtime)`);
  } else if (start === 1 && end === 1) {
    // Flink's FastTop1Function, which its plan shows as the AppendFastStrategy Rank it runs for.
    ranked = named(keyed.process(keepOne((r, kept) => compare(sortKeyOf(r), sortKeyOf(kept)) < 0)), "AppendFastStrategy", 1, 1, "FastTop1");
  } else {
    ranked = named(keyed.process(appendOnlyTopN(sortKeyOf, compare, end, outputRankNumber, start)), "AppendFastStrategy", start, end);
  }
  const changes = ranked.map((c): Change => ({ kind: c.kind, row: project(c.row) })).name("SELECT");

  const keyNames = outputRankNumber ? [...partition, rownum] : fixed ? partition : [undefined];
  // A rowtime shown as it is stays a time attribute, as Flink's Rank and Deduplicate pass it through: a deduplication's is
  // a versioned view for temporal joins, and a window aggregate may group a Top-N's or deduplication's changes by it.
  const isRowtime = (name: string): boolean => scope.some((c) => c.name.toLowerCase() === name.toLowerCase() && c.type.rowtime === true);
  const innerRowtime = (name: string): boolean => innerItems.some((i) => i.name.toLowerCase() === name.toLowerCase() && i.expr.kind === "column" && isRowtime(i.expr.name));
  const shownRowtime = (k: number): boolean => {
    const e = outerItems[k]?.expr;
    return e?.kind === "column" && innerRowtime(e.name);
  };
  const typed = columns.map((c, k) => (shownRowtime(k) ? { ...c, type: { ...c.type, rowtime: true } } : c));
  return { changes, columns: typed, uniqueKey: keyOfOutput(keyNames) };
}

/**
 * A Top-N operator named as Flink's EXPLAIN prints its Rank (StreamPhysicalRank: the strategy, the rank
 * type and range), keeping the uid of its name before session 14 (`former`, else the strategy's
 * old form) so savepoints taken then still restore.
 */
function named<S extends DataStream<Change>>(stream: S, strategy: string, start: number, end: number, former?: string): S {
  const old = former ?? `Rank(${strategy === "AppendFastStrategy" ? "" : `strategy=[${strategy}], `}rankType=ROW_NUMBER, rankRange=[${start}, ${end}])`;
  uidAsAtParallelismOne(stream, { name: old });
  return stream.name(`Rank(strategy=[${strategy}], rankType=[ROW_NUMBER], rankRange=[rankStart=${start}, rankEnd=${end}])`) as S;
}

/**
 * The input's unique key when Flink would take UpdateFastStrategy (UpdatableTopNFunction) for this
 * Top-N: the key holds the partition columns and the sort columns move only towards the front, and the
 * inner WHERE reads only key columns. Undefined: RetractStrategy.
 */
function updateFastStrategy(
  input: { uniqueKey: number[] | undefined; monotonicity?: Monotonicity[] },
  scope: ScopeColumn[],
  where: Expr | undefined,
  spec: { partitionBy: Expr[]; orderBy: { expr: Expr; desc: boolean }[] },
): number[] | undefined {
  const keys = input.uniqueKey ?? [];
  if (!input.monotonicity || (where && !readsOnlyKeys(where, (e) => keys.includes(scopeColumn(scope, e) ?? -1)))) return undefined;
  return updateFastKey(input.uniqueKey, input.monotonicity, spec.partitionBy, spec.orderBy, (e) => scopeColumn(scope, e));
}

function reads(e: Expr, name: string): boolean {
  return e.kind === "column" ? e.name.toLowerCase() === name.toLowerCase() : children(e).some((x) => reads(x, name));
}
