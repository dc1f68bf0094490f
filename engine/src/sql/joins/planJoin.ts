import type { DataStream } from "../../api/DataStream.js";
import type { KeyedCoProcessFunction } from "../../api/keyedFunctions.js";
import { KeyedProcessOperator } from "../../operators/KeyedProcessOperator.js";
import type { OperatorContext } from "../../operators/Operator.js";
import { MAX_WATERMARK } from "../../time/Watermark.js";
import { children, type Expr, type FromItem, type Select } from "../ast.js";
import type { Change } from "../changelog.js";
import type { Column, TableEntry } from "../catalog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { Relation } from "../planner.js";
import { stateDigest } from "../restore/planUids.js";
import { analyzeCondition, conjunctSides, conjunction } from "./joinCondition.js";
import { joinKeyOf, joinKeyOfValue, type JoinKey } from "./joinKey.js";
import { asChanges } from "./joinInputs.js";
import { compactSide, flatJoin } from "./compactRows.js";
import { appendOnlyInnerJoinFunction } from "./appendOnlyJoin.js";
import { intervalJoinFunction, outputDelay } from "./intervalJoin.js";
import { planBoundedJoin } from "./planBoundedJoin.js";
import { planTemporalJoin } from "./planTemporalJoin.js";
import { planLookupJoin } from "./lookupJoin.js";
import { regularJoinFunction } from "./regularJoin.js";
import { planWindowJoin } from "./planWindowJoin.js";
import { fuseIntoCalc } from "../calc/planCalc.js";
import type { PlannedGroupAggregate } from "../groupAggregate.js";
import type { FusableJoin } from "./planJoinAggregate.js";

type JoinItem = Extract<FromItem, { kind: "join" }>;

/**
 * Plans `a JOIN b ON …` as Flink's planner chooses: a temporal join for `b FOR SYSTEM_TIME AS OF`,
 * an interval join when both inputs are append-only and ON bounds one side's rowtime by the other's
 * from both sides (output append-only, both rowtimes stay time attributes), a window join when both
 * sides are windowed alike and ON equates their windows (append-only), else a regular join (an
 * updating result). All are keyed by the equality keys of ON (all rows on one key when there are
 * none), their state in keyed state.
 */
export function planJoin(item: JoinItem, from: (side: FromItem) => Relation, filters?: WhereOverJoin, lookupTable?: (name: string) => TableEntry | undefined): Relation {
  let left = from(item.left);
  // `r FOR SYSTEM_TIME AS OF l.time`: r itself is read as any table, the AS OF makes this a temporal join.
  const asOf = item.right.kind === "table" ? item.right.asOf : undefined;
  // …unless r is a lookup source and l.time a processing time: then r is never scanned, each row looks it up.
  const lookup = asOf && item.right.kind === "table" ? lookupTable?.(item.right.name) : undefined;
  if (asOf && lookup && isProctime(asOf, left)) return planLookupJoin(item, asOf, left, lookup, sideQualifiers(left));
  let right = from(item.right.kind === "table" ? withoutAsOf(item.right) : item.right);
  const qualifiers = [...sideQualifiers(left), ...sideQualifiers(right)];
  // A side an outer join pads with NULLs is nullable in the output, NOT NULL or not in its table (as Flink types it).
  const padded = (cs: Column[], outer: boolean): Column[] => (outer ? cs.map((c) => ({ name: c.name, type: { ...c.type, nullable: true } })) : cs);
  const columns = [...padded(left.columns, item.joinType === "right" || item.joinType === "full"), ...padded(right.columns, item.joinType === "left" || item.joinType === "full")];
  const scope: ScopeColumn[] = columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(qualifiers[index] ? { table: qualifiers[index] } : {}) }));
  const leftWidth = left.columns.length;
  if (asOf) return planTemporalJoin(item, asOf, left, right, scope, qualifiers);
  let on = item.on;
  if (filters !== undefined && item.joinType === "inner") {
    [left, right] = pushIntoSides(filters, left, right, scope, leftWidth);
    on = pullIntoOn(filters, on, scope, leftWidth);
  }
  const condition = analyzeCondition(on, scope, leftWidth);
  if (item.on === undefined && !item.comma) throw new StreamSqlError("validation", "a JOIN needs ON", item.at, "JOIN");

  const leftScope = scope.slice(0, leftWidth);
  const rightScope = scope.slice(leftWidth).map((c) => ({ ...c, index: c.index - leftWidth }));
  const leftKey = new ExprCompiler(leftScope).rowFunction(condition.keys.map((k) => k.left)).fn;
  const rightKey = new ExprCompiler(rightScope).rowFunction(condition.keys.map((k) => k.right)).fn;
  // The equality keys are checked again on the joined row: SQL's `=` never holds for NULL.
  const keyChecks: Expr[] = condition.keys.map((k) => ({ kind: "binary", op: "=", left: k.left, right: k.right, at: item.at }));
  const checks = [...keyChecks, ...condition.rest];
  const checked = checks.length === 0 ? undefined : checks.reduce((a, b): Expr => ({ kind: "binary", op: "AND", left: a, right: b, at: item.at }));
  const matches = checked === undefined ? () => true : new ExprCompiler(scope).predicate(checked);
  const bounded = left.bounded && right.bounded;
  // Named as Flink's plan names them (EXPLAIN): IntervalJoin(joinType=[LeftOuterJoin], …), Join(…).
  const joinType = `joinType=[${{ inner: "InnerJoin", left: "LeftOuterJoin", right: "RightOuterJoin", full: "FullOuterJoin" }[item.joinType]}]`;
  const keyName = `keys=[${condition.keys.map((k) => `${exprText(k.left)} = ${exprText(k.right)}`).join(", ")}]`;

  if (condition.bounds) {
    // A deduplication keeping the last row keeps its rowtime a time attribute, and is updating: Flink refuses it here too.
    if (left.changes || right.changes)
      throw new StreamSqlError("unsupported", "StreamPhysicalIntervalJoin doesn't support consuming update and delete changes (an interval join over an updating input)", item.at, "JOIN");
    const spec = { joinType: item.joinType, ...condition.bounds, leftWidth, rightWidth: right.columns.length, matches };
    const fn = intervalJoinFunction(spec);
    const delay = outputDelay(spec);
    const [leftJoinKey, rightJoinKey] = [(r: Row) => joinKeyOf(leftKey(r)), (r: Row) => joinKeyOf(rightKey(r))];
    const stream = (left.stream as DataStream<Row>)
      .connect(right.stream as DataStream<Row>)
      .twoInput<Row>(
        "IntervalJoin",
        (ctx) => new WatermarkDelayingOperator(fn, [leftJoinKey, rightJoinKey], ctx, delay),
        true,
        { kind: "hash", keySelector: leftJoinKey },
        { kind: "hash", keySelector: rightJoinKey },
      )
      .name(`IntervalJoin(${joinType}, ${keyName}, leftLowerBound=${condition.bounds.lower}, leftUpperBound=${condition.bounds.upper})`);
    // Its keys' encoding in its uid: a savepoint keyed by an older build's JSON keys fails to restore, by name.
    stateDigest(stream, JSON.stringify({ join: "interval", keys: "joinKeyOf/1" }));
    // Outer joins pad with NULLs: a time attribute of the padded side may then be NULL, as in Flink.
    return { stream, columns, bounded, qualifier: undefined, qualifiers };
  }

  const windowJoin = planWindowJoin(item, left, right, condition, scope, qualifiers, checked);
  if (windowJoin) return windowJoin;

  // A regular join's rowtimes are plain timestamps in its output (Flink materialises them).
  const plain: Column[] = columns.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false } }));
  // Columns nothing after the join reads (nor its keys and condition) are not kept in its state.
  const read = filters?.uses && columnsRead([...filters.uses, ...condition.keys.flatMap((k) => [k.left, k.right]), ...condition.rest], scope);
  // Keyed by joinKeyOf, so only the rest of ON is checked per pair of rows.
  const rest = condition.rest.length === 0 ? undefined : new ExprCompiler(scope).predicate(conjunction(condition.rest, item.at));
  const name = `Join(${joinType}, ${keyName})`;
  // The state's layout: a savepoint of another (an older build's JSON keys) must fail to restore, not fill it.
  const layout = (kind: string) => JSON.stringify({ join: kind, keys: "joinKeyOf/1" });
  // An inner join of two append-only inputs only ever inserts (Flink's changelog-mode inference says
  // so too), so its result stays append-only: Top-N, OVER and window TVFs may read it (nexmark q9).
  if (item.joinType === "inner" && !left.changes && !right.changes) {
    const boundedJoin = planBoundedJoin({ on, left, right, scope, columns: plain, qualifiers, matches, leftKey, rightKey, name: name.slice(0, -1), sides: item });
    if (boundedJoin) return boundedJoin;
    const output = outputColumns(filters, scope);
    const l = compactSide(left.stream as DataStream<Row>, left.columns, leftScope, read, 0);
    const r = compactSide(right.stream as DataStream<Row>, right.columns, rightScope, read, leftWidth);
    const [lKey, rKey] = [
      joinKeySelector(
        l.scope,
        condition.keys.map((k) => k.left),
      ),
      joinKeySelector(
        r.scope,
        condition.keys.map((k) => k.right),
      ),
    ];
    // The rest of ON compiled into the pair's functions, each column read where the pair holds it.
    const onRest = rest && { expr: conjunction(condition.rest, item.at), scope };
    const flat = flatJoin({ kept: l.kept, width: leftWidth }, { kept: r.kept, width: right.columns.length }, onRest, output);
    // kept: the columns each side's rows hold in state, one flat list of values per key (appendOnlyJoin.ts).
    const flatLayout = layout(`append-only inner, flat ${JSON.stringify([l.kept, r.kept])}`);
    const outColumns = output === undefined ? plain : output.map((i) => plain[i] as Column);
    const outQualifiers = output === undefined ? qualifiers : output.map((i) => qualifiers[i]);
    if (filters?.aggregate) {
      // Where each equality key's columns are in the joined row, for a GROUP BY fused into the join (planJoinAggregate.ts).
      const at = (e: Expr, sideScope: ScopeColumn[], offset: number): number | undefined => {
        const c = e.kind === "column" ? resolveIn(e, sideScope) : undefined;
        if (c === undefined) return undefined;
        const i = output === undefined ? c + offset : output.indexOf(c + offset);
        return i < 0 ? undefined : i;
      };
      const keyColumns = condition.keys.map((k): [number | undefined, number | undefined] => [at(k.left, leftScope, 0), at(k.right, rightScope, leftWidth)]);
      const fusion = { left: l.stream, right: r.stream, leftKey: lKey, rightKey: rKey, flat, columns: outColumns, qualifiers: outQualifiers, keyColumns, name, layout: flatLayout };
      const fused = filters.aggregate(fusion);
      if (fused) return { ...fused, bounded, qualifier: undefined };
    }
    const stream = l.stream.connect(r.stream).keyBy(lKey, rKey).process(appendOnlyInnerJoinFunction(flat)).name(name);
    const digested = stateDigest(stream, flatLayout);
    return { stream: digested, columns: outColumns, bounded, qualifier: undefined, qualifiers: outQualifiers };
  }
  if (read) {
    left = pruned(left, read, 0, left.changes ? left.uniqueKey : undefined);
    right = pruned(right, read, leftWidth, right.changes ? right.uniqueKey : undefined);
  }
  const uniqueKeys = [left.changes ? left.uniqueKey : undefined, right.changes ? right.uniqueKey : undefined] as const;
  const fn = regularJoinFunction({ joinType: item.joinType, leftWidth, rightWidth: right.columns.length, matches: rest, uniqueKeys });
  const changes = asChanges(left)
    .connect(asChanges(right))
    .keyBy(
      (c) => joinKeyOf(leftKey(c.row)),
      (c) => joinKeyOf(rightKey(c.row)),
    )
    .process(fn)
    .name(name);
  return { changes: stateDigest(changes, layout(`changelog ${JSON.stringify(uniqueKeys)}`)), uniqueKey: undefined, columns: plain, bounded, qualifier: undefined, qualifiers };
}

/** The index of the column `e` names in a side's scope (undefined when none or several match). */
function resolveIn(e: Extract<Expr, { kind: "column" }>, scope: ScopeColumn[]): number | undefined {
  const found = scope.filter((c) => c.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || c.table?.toLowerCase() === e.table.toLowerCase()));
  return found.length === 1 ? (found[0] as ScopeColumn).index : undefined;
}

/** A side's join key of its row (joinKey.ts): one equality key is read as a value, with no array of keys per row. */
function joinKeySelector(scope: ScopeColumn[], keys: Expr[]): (r: Row) => JoinKey {
  if (keys.length === 1) {
    const value = new ExprCompiler(scope).value(keys[0] as Expr).fn;
    return (r) => joinKeyOfValue(value(r));
  }
  const values = new ExprCompiler(scope).rowFunction(keys).fn;
  return (r) => joinKeyOf(values(r));
}

/**
 * The SELECT over a join: its WHERE, whose conjuncts on one side's columns only are pushed into that side
 * of an inner join (as Flink's FilterJoinRule; `where` is left with the rest), and every expression it
 * reads (undefined when it reads whole rows: `*`, OVER), so a regular join keeps only the columns read
 * (as Flink's projection push-down: a join's state holds the fields its output needs).
 */
export interface WhereOverJoin {
  where: Expr | undefined;
  uses: Expr[] | undefined;
  /** What `uses` reads besides WHERE (whose conjuncts planJoin may move into the join): the join's output needs these and what stays of WHERE. */
  after: Expr[] | undefined;
  /**
   * The SELECT's GROUP BY fused into an inner join of append-only inputs (planJoinAggregate.ts), called
   * with `where` as the join leaves it: the aggregate's changes, or undefined to keep the join.
   */
  aggregate?: (join: FusableJoin) => PlannedGroupAggregate | undefined;
}

/**
 * The joined row's columns something after the join reads (the SELECT's list, GROUP BY, HAVING, ORDER BY and
 * what stays of its WHERE), in order, when that is fewer than all and can be told: the append-only join
 * then outputs only those (compactRows.ts flatJoin), and the SELECT resolves its names over them. Columns
 * that only ON reads (q4's time bounds) are checked inside the join and never leave it.
 */
function outputColumns(filters: WhereOverJoin | undefined, scope: ScopeColumn[]): number[] | undefined {
  if (filters?.after === undefined) return undefined;
  const read = columnsRead(filters.where ? [...filters.after, filters.where] : filters.after, scope);
  // A SELECT reading no column (COUNT(*)) still gets a row per pair: full width keeps that simple.
  if (read === undefined || read.size === 0 || read.size === scope.length) return undefined;
  return [...read].sort((a, b) => a - b);
}

export function selectOverJoin(select: Select): WhereOverJoin {
  const exprs: Expr[] = [...select.groupBy, ...(select.having ? [select.having] : []), ...(select.orderBy ?? []).map((o) => o.expr)];
  for (const item of select.items) {
    if (item.kind !== "expr") return { where: select.where, uses: undefined, after: undefined };
    exprs.push(item.expr);
  }
  const hasOver = (e: Expr): boolean => (e.kind === "call" && e.over !== undefined) || children(e).some(hasOver);
  if (select.windows || exprs.some(hasOver) || (select.where !== undefined && hasOver(select.where))) return { where: select.where, uses: undefined, after: undefined };
  return { where: select.where, uses: select.where ? [...exprs, select.where] : exprs, after: exprs };
}

/** The columns of the joined scope that `uses` read, or undefined when one of them cannot be told (unknown, ambiguous, a ROW field). */
export function columnsRead(uses: Expr[], scope: ScopeColumn[]): Set<number> | undefined {
  const read = new Set<number>();
  const walk = (e: Expr): boolean => {
    if (e.kind === "column") {
      const found = scope.filter((c) => c.name.toLowerCase() === e.name.toLowerCase() && (e.table === undefined || c.table?.toLowerCase() === e.table.toLowerCase()));
      if (found.length !== 1) return false;
      read.add((found[0] as ScopeColumn).index);
      return true;
    }
    if (e.kind === "inQuery" || e.kind === "exists") return false;
    return children(e).every(walk);
  };
  return uses.every(walk) ? read : undefined;
}

/** A side whose unread columns are NULL before the join, so its state does not keep their values alive. */
function pruned(side: Relation, read: Set<number>, offset: number, keep: readonly number[] | undefined): Relation {
  const width = side.columns.length;
  const kept = side.columns.map((_, i) => read.has(offset + i) || (keep?.includes(i) ?? false));
  if (kept.every((k) => k)) return side;
  const project = (r: Row): Row => {
    const out: Row = new Array(width).fill(null);
    for (let i = 0; i < width; i++) if (kept[i]) out[i] = r[i];
    return out;
  };
  if (side.changes) return { ...side, changes: side.changes.map((c): Change => ({ kind: c.kind, row: project(c.row) })).name("columns the join needs") };
  return { ...side, stream: (side.stream as DataStream<Row>).map(project).name("columns the join needs") };
}

function pushIntoSides(filters: WhereOverJoin, left: Relation, right: Relation, scope: ScopeColumn[], leftWidth: number): [Relation, Relation] {
  if (filters.where === undefined) return [left, right];
  const sides = conjunctSides(filters.where, scope, leftWidth);
  const onLeft = sides.filter((c) => c.side === "left").map((c) => c.expr);
  const onRight = sides.filter((c) => c.side === "right").map((c) => c.expr);
  if (onLeft.length === 0 && onRight.length === 0) return [left, right];
  const kept = sides.filter((c) => c.side !== "left" && c.side !== "right").map((c) => c.expr);
  filters.where = kept.length === 0 ? undefined : conjunction(kept, filters.where.at);
  const rightScope = scope.slice(leftWidth).map((c) => ({ ...c, index: c.index - leftWidth }));
  return [filtered(left, scope.slice(0, leftWidth), onLeft), filtered(right, rightScope, onRight)];
}

/**
 * An inner join's WHERE conjuncts on both sides' columns, moved into its ON (Flink's FilterJoinRule), so
 * they give the join its keys and interval bounds as ON's own do (nexmark q7's BETWEEN in WHERE).
 */
function pullIntoOn(filters: WhereOverJoin, on: Expr | undefined, scope: ScopeColumn[], leftWidth: number): Expr | undefined {
  if (filters.where === undefined) return on;
  const sides = conjunctSides(filters.where, scope, leftWidth);
  const both = sides.filter((c) => c.side === "both").map((c) => c.expr);
  if (both.length === 0) return on;
  const kept = sides.filter((c) => c.side !== "both").map((c) => c.expr);
  filters.where = kept.length === 0 ? undefined : conjunction(kept, filters.where.at);
  return conjunction(on ? [on, ...both] : both, (both[0] as Expr).at);
}

function filtered(side: Relation, scope: ScopeColumn[], conjuncts: Expr[]): Relation {
  if (conjuncts.length === 0) return side;
  const where = conjunction(conjuncts, (conjuncts[0] as Expr).at);
  const keep = new ExprCompiler(scope).predicate(where);
  if (side.changes) return { ...side, changes: side.changes.filter((c) => keep(c.row)).name("WHERE (pushed into join input)") };
  // Into the side's own Calc where it has one (a view's SELECT … WHERE): one operator, no row made for a row it drops.
  const fused = fuseIntoCalc(side.stream as DataStream<Row>, { scope, where, columns: undefined });
  return { ...side, stream: fused ?? (side.stream as DataStream<Row>).filter(keep).name("WHERE (pushed into join input)") };
}

function isProctime(asOf: Expr, left: Relation): boolean {
  if (asOf.kind !== "column") return false;
  const qualifiers = sideQualifiers(left);
  return left.columns.some(
    (c, i) => c.type.proctime === true && c.name.toLowerCase() === asOf.name.toLowerCase() && (asOf.table === undefined || qualifiers[i]?.toLowerCase() === asOf.table.toLowerCase()),
  );
}

function withoutAsOf(table: Extract<FromItem, { kind: "table" }>): FromItem {
  const { asOf: _, ...plain } = table;
  return plain;
}

function sideQualifiers(p: Relation): (string | undefined)[] {
  return p.qualifiers ?? p.columns.map(() => p.qualifier);
}

function exprText(e: Expr): string {
  return e.kind === "column" ? `${e.table ? `${e.table}.` : ""}${e.name}` : "expr";
}

/**
 * A keyed co-process operator that sends on the input watermark held back by `delay` (Flink's
 * KeyedCoProcessOperatorWithWatermarkDelay), so rows an interval join emits late are not late downstream.
 */
class WatermarkDelayingOperator extends KeyedProcessOperator<JoinKey, Row, Row> {
  readonly generatesWatermarks = true;

  constructor(
    fn: KeyedCoProcessFunction<JoinKey, Row, Row, Row>,
    keys: ((r: Row) => JoinKey)[],
    private readonly operatorContext: OperatorContext<Row>,
    private readonly delay: number,
  ) {
    super(fn, keys, operatorContext);
  }

  override onWatermark(watermark: number): void {
    super.onWatermark(watermark);
    // The final watermark the runtime forwards itself.
    if (watermark !== MAX_WATERMARK) this.operatorContext.watermarks.emitWatermark(watermark - this.delay);
  }
}
