import type { KeyedCoProcessFunction, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { ListState } from "../../state/State.js";
import type { Row } from "../connectors.js";

export interface BoundedJoinSpec {
  /** The side whose rows expire: its `time` column is a rowtime; the other side's rows are kept for good. */
  timeSide: "left" | "right";
  time: number;
  /** A row of the time side can meet no row of the other side once the watermark reaches its time + retention (ms). */
  retention: number;
  /** The whole ON condition on the joined row (left columns, then right), its time bounds and keys included. */
  matches: (joined: Row) => boolean;
}

const CLEANUP_GRID = 1000;

interface State {
  /** The time side's rows of this key that later rows of the other side may still meet. */
  rows: ListState<Row>;
  /** The other side's rows of this key, kept as a regular join keeps them. */
  kept: ListState<Row>;
}

/**
 * The inner regular join of planBoundedJoin.ts: as an append-only inner regular join (rows in lists per
 * join key, each row joined against the other side's list), except that the time side's rows leave the
 * state once the watermark shows that no later row of the other side can meet them (that side's values
 * come ahead of the watermark, joins/firedWindowEnds.ts), by one cleanup timer per key with rows. A time-side row
 * already past that point when it comes is joined and not kept. Lists rather than the interval join's
 * rows by time: most keys (nexmark q7's prices) hold a row or two, and a list appends without a map per key.
 */
export function boundedJoinFunction<K>(spec: BoundedJoinSpec): KeyedCoProcessFunction<K, Row, Row, Row> {
  const { time, retention, matches } = spec;
  const timeLeft = spec.timeSide === "left";
  // Cleanup timers on whole seconds: the timer service keeps one heap entry per distinct time, and the
  // keys expiring within a second then share one (rows stay at most 1 s longer; each is still checked exactly).
  const timerAt = (until: number): number => Math.ceil(until / CLEANUP_GRID) * CLEANUP_GRID;

  const onTimeRow = (s: State, row: Row, watermark: number, register: (t: number) => void, out: { collect(r: Row): void }): void => {
    const kept = s.kept.get();
    for (let i = 0; i < kept.length; i++) {
      const joined = timeLeft ? row.concat(kept[i] as Row) : (kept[i] as Row).concat(row);
      if (matches(joined)) out.collect(joined);
    }
    const until = (row[time] as number) + retention;
    if (!(watermark < until)) return;
    // A key with rows has its cleanup timer: the first row registers it, the timer registers the next.
    // (Most keys hold one row: `update` of an empty list is one state lookup fewer than `get` + `add`.)
    if (s.rows.get().length === 0) {
      register(timerAt(until));
      s.rows.update([row]);
    } else s.rows.add(row);
  };

  const onKeptRow = (s: State, row: Row, out: { collect(r: Row): void }): void => {
    const rows = s.rows.get();
    for (let i = 0; i < rows.length; i++) {
      const joined = timeLeft ? (rows[i] as Row).concat(row) : row.concat(rows[i] as Row);
      if (matches(joined)) out.collect(joined);
    }
    s.kept.add(row);
  };

  const fn: KeyedCoProcessFunction<K, Row, Row, Row> & { s?: State } = {
    open(rc: KeyedRuntimeContext) {
      this.s = { rows: rc.getListState<Row>("time-side-rows"), kept: rc.getListState<Row>("kept-rows") };
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
      ctx.timerService.registerEventTimeTimer(timerAt(next));
    },
  };
  return fn;
}
