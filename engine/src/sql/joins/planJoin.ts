import type { DataStream } from "../../api/DataStream.js";
import type { KeyedCoProcessFunction } from "../../api/keyedFunctions.js";
import { KeyedProcessOperator } from "../../operators/KeyedProcessOperator.js";
import type { OperatorContext } from "../../operators/Operator.js";
import { MAX_WATERMARK } from "../../time/Watermark.js";
import type { Expr, FromItem } from "../ast.js";
import type { Column } from "../catalog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { Relation } from "../planner.js";
import { analyzeCondition } from "./joinCondition.js";
import { asChanges, keyString } from "./joinInputs.js";
import { intervalJoinFunction, outputDelay } from "./intervalJoin.js";
import { planTemporalJoin } from "./planTemporalJoin.js";
import { regularJoinFunction } from "./regularJoin.js";
import { planWindowJoin } from "./planWindowJoin.js";

type JoinItem = Extract<FromItem, { kind: "join" }>;

/**
 * Plans `a JOIN b ON …` as Flink's planner chooses: a temporal join for `b FOR SYSTEM_TIME AS OF`,
 * an interval join when both inputs are append-only and ON bounds one side's rowtime by the other's
 * from both sides (output append-only, both rowtimes stay time attributes), a window join when both
 * sides are windowed alike and ON equates their windows (append-only), else a regular join (an
 * updating result). All are keyed by the equality keys of ON (all rows on one key when there are
 * none), their state in keyed state.
 */
export function planJoin(item: JoinItem, from: (side: FromItem) => Relation): Relation {
  const left = from(item.left);
  // `r FOR SYSTEM_TIME AS OF l.time`: r itself is read as any table, the AS OF makes this a temporal join.
  const asOf = item.right.kind === "table" ? item.right.asOf : undefined;
  const right = from(item.right.kind === "table" ? withoutAsOf(item.right) : item.right);
  const qualifiers = [...sideQualifiers(left), ...sideQualifiers(right)];
  // A side an outer join pads with NULLs is nullable in the output, NOT NULL or not in its table (as Flink types it).
  const padded = (cs: Column[], outer: boolean): Column[] => (outer ? cs.map((c) => ({ name: c.name, type: { ...c.type, nullable: true } })) : cs);
  const columns = [...padded(left.columns, item.joinType === "right" || item.joinType === "full"), ...padded(right.columns, item.joinType === "left" || item.joinType === "full")];
  const scope: ScopeColumn[] = columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(qualifiers[index] ? { table: qualifiers[index] } : {}) }));
  const leftWidth = left.columns.length;
  if (asOf) return planTemporalJoin(item, asOf, left, right, scope, qualifiers);
  const condition = analyzeCondition(item.on, scope, leftWidth);
  if (item.on === undefined && !item.comma) throw new StreamSqlError("validation", "a JOIN needs ON", item.at, "JOIN");

  const leftScope = scope.slice(0, leftWidth);
  const rightScope = scope.slice(leftWidth).map((c) => ({ ...c, index: c.index - leftWidth }));
  const leftKey = new ExprCompiler(leftScope).rowFunction(condition.keys.map((k) => k.left)).fn;
  const rightKey = new ExprCompiler(rightScope).rowFunction(condition.keys.map((k) => k.right)).fn;
  // The equality keys are checked again on the joined row: SQL's `=` never holds for NULL.
  const keyChecks: Expr[] = condition.keys.map((k) => ({ kind: "binary", op: "=", left: k.left, right: k.right, at: item.at }));
  const checks = [...keyChecks, ...condition.rest];
  const matches = checks.length === 0 ? () => true : new ExprCompiler(scope).predicate(checks.reduce((a, b) => ({ kind: "binary", op: "AND", left: a, right: b, at: item.at })));
  const bounded = left.bounded && right.bounded;
  // Named as Flink's plan names them (EXPLAIN): IntervalJoin(joinType=[LeftOuterJoin], …), Join(…).
  const joinType = `joinType=[${{ inner: "InnerJoin", left: "LeftOuterJoin", right: "RightOuterJoin", full: "FullOuterJoin" }[item.joinType]}]`;
  const keyName = `keys=[${condition.keys.map((k) => `${exprText(k.left)} = ${exprText(k.right)}`).join(", ")}]`;

  if (condition.bounds) {
    // Both sides have rowtimes here, so neither is an updating result (a GROUP BY's output has none).
    const spec = { joinType: item.joinType, ...condition.bounds, leftWidth, rightWidth: right.columns.length, matches };
    const fn = intervalJoinFunction(spec);
    const delay = outputDelay(spec);
    const stream = (left.stream as DataStream<Row>)
      .connect(right.stream as DataStream<Row>)
      .twoInput<Row>(
        "IntervalJoin",
        (ctx) => new WatermarkDelayingOperator(fn, [(r: Row) => keyString(leftKey(r)), (r: Row) => keyString(rightKey(r))], ctx, delay),
        true,
        { kind: "hash", keySelector: (r: Row) => keyString(leftKey(r)) },
        { kind: "hash", keySelector: (r: Row) => keyString(rightKey(r)) },
      )
      .name(`IntervalJoin(${joinType}, ${keyName}, leftLowerBound=${condition.bounds.lower}, leftUpperBound=${condition.bounds.upper})`);
    // Outer joins pad with NULLs: a time attribute of the padded side may then be NULL, as in Flink.
    return { stream, columns, bounded, qualifier: undefined, qualifiers };
  }

  const windowJoin = planWindowJoin(item, left, right, condition, scope, qualifiers, matches);
  if (windowJoin) return windowJoin;

  // A regular join's rowtimes are plain timestamps in its output (Flink materialises them).
  const plain: Column[] = columns.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false } }));
  const fn = regularJoinFunction({ joinType: item.joinType, leftWidth, rightWidth: right.columns.length, matches });
  const changes = asChanges(left)
    .connect(asChanges(right))
    .keyBy(
      (c) => keyString(leftKey(c.row)),
      (c) => keyString(rightKey(c.row)),
    )
    .process(fn)
    .name(`Join(${joinType}, ${keyName})`);
  // An inner join of two append-only inputs only ever inserts (Flink's changelog-mode inference says
  // so too), so its result stays append-only: Top-N, OVER and window TVFs may read it (nexmark q9).
  if (item.joinType === "inner" && !left.changes && !right.changes) return { stream: changes.map((c) => c.row).name("insert-only"), columns: plain, bounded, qualifier: undefined, qualifiers };
  return { changes, uniqueKey: undefined, columns: plain, bounded, qualifier: undefined, qualifiers };
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
class WatermarkDelayingOperator extends KeyedProcessOperator<string, Row, Row> {
  readonly generatesWatermarks = true;

  constructor(
    fn: KeyedCoProcessFunction<string, Row, Row, Row>,
    keys: ((r: Row) => string)[],
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
