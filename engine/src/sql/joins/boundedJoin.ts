import type { KeyedCoProcessFunction, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { ListState, MapState } from "../../state/State.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";

export interface BoundedJoinSpec {
  /** The side whose rows expire: its `time` column is a rowtime; the other side's rows are kept for good. */
  timeSide: "left" | "right";
  time: number;
  /** A row of the time side can meet no row of the other side once the watermark reaches its time + retention (ms). */
  retention: number;
  /** The join key of a left row and of a right row (joinKeyOf: null never joins). */
  leftKey: (r: Row) => JoinKey;
  rightKey: (r: Row) => JoinKey;
  /** The whole ON condition on the joined row (left columns, then right), its time bounds included. */
  matches: (joined: Row) => boolean;
}

/** How many buckets the join keys are spread over: the operator's keyed state is per bucket, not per join key. */
export const BOUNDED_JOIN_BUCKETS = 1024;

/** The bucket of a join key (the operator is keyed by it, so equal join keys meet in one bucket and on one subtask). */
export function joinKeyBucket(key: JoinKey): number {
  let h: number;
  switch (typeof key) {
    case "number":
      h = Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b) ^ (Number.isInteger(key) ? 0 : Math.imul(Math.round((key % 1) * 1e9), 0xc2b2ae35));
      break;
    case "string":
      h = 0x811c9dc5;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      break;
    case "bigint":
      // BIGINT values past 2^53 (a JavaScript number cannot hold them): both 32-bit halves, as for numbers.
      h = Math.imul(Number(BigInt.asIntN(32, key)), 0x9e3779b1) ^ Math.imul(Number(BigInt.asIntN(32, key >> 32n)), 0x85ebca6b);
      break;
    default:
      return key === true ? 1 : 0;
  }
  h ^= h >>> 16;
  return (h >>> 0) % BOUNDED_JOIN_BUCKETS;
}

interface State {
  /** The time side's rows of this bucket that later rows of the other side may still meet, in arrival order. */
  rows: ListState<Row>;
  /** The other side's rows of this bucket by join key, kept as a regular join keeps them. */
  kept: MapState<JoinKey, Row[]>;
}

/**
 * The inner regular join of planBoundedJoin.ts. Its result is the regular join's (every pair with equal
 * keys meeting ON); its state differs: the time side's rows leave once the watermark shows that no later
 * row of the other side can meet them (that side's values come ahead of the watermark,
 * joins/firedWindowEnds.ts), a row already past that point when it comes is joined and not kept.
 * Keyed by a bucket of the join key, not the key itself: nexmark q7's prices are nearly all distinct, so
 * per-key state would add and remove a key (and a cleanup timer) per bid; per bucket, a bid is one append
 * to its bucket's list, and one cleanup timer per bucket sweeps the list a few times per retention. The
 * kept side is looked up by key inside its bucket; the time side's list is scanned (and keys compared
 * first) only when a kept row comes — once per window in q7.
 */
export function boundedJoinFunction(spec: BoundedJoinSpec): KeyedCoProcessFunction<number, Row, Row, Row> {
  const { time, retention, matches } = spec;
  const timeLeft = spec.timeSide === "left";
  const timeKey = timeLeft ? spec.leftKey : spec.rightKey;
  const keptKey = timeLeft ? spec.rightKey : spec.leftKey;
  // A bucket's sweep runs a few times per retention: rows stay up to one sweep interval longer (each one still
  // checked exactly), and a row is looked at about retention / interval times.
  const sweep = Math.min(60_000, Math.max(1000, Math.floor(retention / 2)));
  const sweepAt = (until: number): number => Math.ceil(until / sweep) * sweep;
  const join = (timeRow: Row, keptRow: Row): Row => (timeLeft ? timeRow.concat(keptRow) : keptRow.concat(timeRow));

  const onTimeRow = (s: State, row: Row, watermark: number, register: (t: number) => void, out: { collect(r: Row): void }): void => {
    const key = timeKey(row);
    if (key === null) return;
    const kept = s.kept.get(key);
    if (kept !== undefined)
      for (let i = 0; i < kept.length; i++) {
        const joined = join(row, kept[i] as Row);
        if (matches(joined)) out.collect(joined);
      }
    const until = (row[time] as number) + retention;
    if (!(watermark < until)) return;
    // A bucket with rows has its cleanup timer: the first row registers it, the timer the next one.
    if (s.rows.get().length === 0) register(sweepAt(until));
    s.rows.add(row);
  };

  const onKeptRow = (s: State, row: Row, out: { collect(r: Row): void }): void => {
    const key = keptKey(row);
    if (key === null) return;
    const rows = s.rows.get();
    for (let i = 0; i < rows.length; i++) {
      const other = rows[i] as Row;
      if (timeKey(other) !== key) continue;
      const joined = join(other, row);
      if (matches(joined)) out.collect(joined);
    }
    // Replaced, not pushed to: a checkpoint may hold the array.
    s.kept.put(key, [...(s.kept.get(key) ?? []), row]);
  };

  const fn: KeyedCoProcessFunction<number, Row, Row, Row> & { s?: State } = {
    open(rc: KeyedRuntimeContext) {
      this.s = { rows: rc.getListState<Row>("time-side-rows"), kept: rc.getMapState<JoinKey, Row[]>("kept-rows") };
    },
    processElement1(row, ctx, out) {
      const s = this.s as State;
      if (timeLeft) onTimeRow(s, row, ctx.timerService.currentWatermark(), (t) => ctx.timerService.registerEventTimeTimer(t), out);
      else onKeptRow(s, row, out);
    },
    processElement2(row, ctx, out) {
      const s = this.s as State;
      if (timeLeft) onKeptRow(s, row, out);
      else onTimeRow(s, row, ctx.timerService.currentWatermark(), (t) => ctx.timerService.registerEventTimeTimer(t), out);
    },
    onTimer(timestamp, ctx) {
      const s = this.s as State;
      // The timer fires once the watermark reaches it.
      const watermark = Math.max(timestamp, ctx.timerService.currentWatermark());
      const live: Row[] = [];
      let next = Number.POSITIVE_INFINITY;
      for (const row of s.rows.get()) {
        const until = (row[time] as number) + retention;
        if (watermark < until) {
          live.push(row);
          if (until < next) next = until;
        }
      }
      if (live.length === 0) {
        s.rows.clear();
        return;
      }
      s.rows.update(live);
      ctx.timerService.registerEventTimeTimer(sweepAt(next));
    },
  };
  return fn;
}
