import type { DataStream } from "../../api/DataStream.js";
import type { Expr, FromItem } from "../ast.js";
import type { Column } from "../catalog.js";
import type { ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import type { Relation } from "../planner.js";
import { stateDigest } from "../restore/planUids.js";
import { BOUNDED_JOIN_BUCKETS, boundedJoinFunction, joinKeyBucket } from "./boundedJoin.js";
import { analyzeCondition } from "./joinCondition.js";
import { type JoinKey, joinKeyOf } from "./joinKey.js";
import { planWindowTopPrune } from "./planWindowTopPrune.js";

export interface BoundedJoinInput {
  on: Expr | undefined;
  left: Relation;
  right: Relation;
  scope: ScopeColumn[];
  /** The output columns of the regular join it stands for (plain timestamps). */
  columns: Column[];
  qualifiers: (string | undefined)[];
  /** The whole ON condition on the joined row, its time bounds included. */
  matches: (joined: Row) => boolean;
  leftKey: (r: Row) => Row;
  rightKey: (r: Row) => Row;
  /** The regular join's EXPLAIN text without its closing parenthesis: `Join(joinType=[InnerJoin], keys=[…]`. */
  name: string;
  /** The join's FROM items as written, for the window Top-1 prune of the rowtime side (planWindowTopPrune.ts). */
  sides?: { left: FromItem; right: FromItem };
}

/**
 * An inner regular join of two append-only inputs whose ON bounds one side's rowtime by the other side's
 * fired window end (joins/firedWindowEnds.ts) from below and above: nexmark q7's bids `BETWEEN
 * B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`, B1.dateTime a TUMBLE aggregate's window_end.
 * Flink plans it as a regular join (window_end is no time attribute) and keeps every row of both sides;
 * its result is the same when the rowtime side's rows go once the watermark is past every window end
 * that could still meet them, since every later row of the other side comes ahead of the watermark.
 * Runs as boundedJoin.ts: the window side kept for good (a late row of the rowtime side meets all of
 * it, as in the regular join); EXPLAIN names it Join, as Flink's plan does, with the rowtime side's
 * state retention. Undefined when the join has no such shape.
 */
export function planBoundedJoin(input: BoundedJoinInput): Relation | undefined {
  const { left, right, scope } = input;
  if (left.changes || right.changes) return undefined;
  const leftWidth = left.columns.length;
  const firedEnds = new Set([...(left.firedEnds ?? []), ...(right.firedEnds ?? []).map((i) => i + leftWidth)]);
  if (firedEnds.size === 0) return undefined;
  const condition = analyzeCondition(input.on, scope, leftWidth, (c) => c.type.rowtime === true || firedEnds.has(c.index));
  const bounds = condition.bounds;
  if (!bounds) return undefined;
  const [leftTime, rightTime] = [bounds.leftTime, bounds.rightTime + leftWidth];
  const rowtime = (i: number): boolean => scope[i]?.type.rowtime === true && !firedEnds.has(i);
  const retain: "left" | "right" | undefined = firedEnds.has(rightTime) && rowtime(leftTime) ? "right" : firedEnds.has(leftTime) && rowtime(rightTime) ? "left" : undefined;
  if (!retain) return undefined;

  const timeSide = retain === "right" ? "left" : "right";
  // A rowtime-side row meets window ends up to its time + retention: it lives until the watermark reaches that.
  const retention = retain === "right" ? -bounds.lower : bounds.upper;
  const time = retain === "right" ? bounds.leftTime : bounds.rightTime;
  const leftKey = (r: Row): JoinKey => joinKeyOf(input.leftKey(r));
  const rightKey = (r: Row): JoinKey => joinKeyOf(input.rightKey(r));
  const spec = { timeSide, time, retention, leftKey, rightKey, matches: input.matches } as const;
  // The rows' offsets from the window end they meet: time - end in [lower, upper].
  const [lower, upper] = retain === "right" ? [bounds.lower, bounds.upper] : [-bounds.upper, -bounds.lower];
  const [timeRelation, windowRelation] = timeSide === "left" ? [left, right] : [right, left];
  const prune = input.sides && planWindowTopPrune({ sides: input.sides, timeSide, timeRelation, windowRelation, scope, leftWidth, keys: condition.keys, time, lower, upper });
  // The window side's aggregate may read the prune's rows too (planWindowTopPrune.ts): then its stream is that one.
  const [timeStream, windowStream] = [prune?.stream ?? timeRelation.stream, prune?.window ?? windowRelation.stream];
  const [leftStream, rightStream] = timeSide === "left" ? [timeStream, windowStream] : [windowStream, timeStream];
  const stream = (leftStream as DataStream<Row>)
    .connect(rightStream as DataStream<Row>)
    .keyBy(
      (r: Row) => joinKeyBucket(leftKey(r)),
      (r: Row) => joinKeyBucket(rightKey(r)),
    )
    .process(boundedJoinFunction(spec))
    .name(`${input.name}, ${timeSide}StateRetention=[watermark < ${scope[retain === "right" ? leftTime : rightTime]?.name} + ${retention} ms])`);
  // Its state (boundedJoin.ts) in its uid: a savepoint of the regular join's layout fails to restore, by uid.
  stateDigest(stream, JSON.stringify({ join: "bounded by fired window ends", timeSide, retention, buckets: BOUNDED_JOIN_BUCKETS }));
  return { stream, columns: input.columns, bounded: left.bounded && right.bounded, qualifier: undefined, qualifiers: input.qualifiers };
}
