import type { Collector } from "../../api/functions.js";
import type { KeyedCoProcessFunction, KeyedProcessContext, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { MapState } from "../../state/State.js";
import type { JoinType } from "../ast.js";
import type { Row } from "../connectors.js";

/** Flink's window join types: the four of JOIN, and SEMI/ANTI from `IN`/`EXISTS` subqueries (left rows only out). */
export type WindowJoinType = JoinType | "semi" | "anti";

export interface WindowJoinSpec {
  joinType: WindowJoinType;
  /** Index of window_end in a left row and in a right row. */
  leftWindowEnd: number;
  rightWindowEnd: number;
  leftWidth: number;
  rightWidth: number;
  /** The ON condition on the joined row (keys and window equalities included). */
  matches: (joined: Row) => boolean;
}

/**
 * Flink SQL's window join (WindowJoinOperator) as a keyed co-process function, keyed by the equality
 * keys of ON other than the window's: each side's rows kept per window in keyed state until the
 * watermark reaches window_end - 1, then joined once (INNER, LEFT, RIGHT, FULL, SEMI or ANTI, in
 * Flink's loop order) and the window's state dropped. The output is append-only; a row whose window has already
 * fired is dropped as late, as Flink drops it.
 */
export function windowJoinFunction(spec: WindowJoinSpec): KeyedCoProcessFunction<string, Row, Row, Row> {
  const leftNulls = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);

  /**
   * A side's rows of a window are kept one state entry each, under (window_end, sequence), beside the
   * window's row count: adding one is O(1). (One Row[] per window, copied on each add because a
   * checkpoint may still hold the array, made a window of n rows cost n²/2 copies: nexmark q5 sends
   * all of a window's per-auction counts to one key.)
   */
  const add = (side: Side, row: Row, windowEnd: number, ctx: KeyedProcessContext<string>): void => {
    // Flink's isWindowFired: the window's last millisecond is at or behind the watermark.
    if (windowEnd - 1 <= ctx.timerService.currentWatermark()) return;
    const n = side.counts.get(windowEnd) ?? 0;
    side.rows.put(`${windowEnd}#${n}`, row);
    side.counts.put(windowEnd, n + 1);
    if (n === 0) ctx.timerService.registerEventTimeTimer(windowEnd - 1);
  };
  /** A side's rows of a window in arrival order, removed from its state. */
  const take = (side: Side, windowEnd: number): Row[] | undefined => {
    const n = side.counts.get(windowEnd);
    if (n === undefined) return undefined;
    const rows = new Array<Row>(n);
    for (let i = 0; i < n; i++) {
      const key = `${windowEnd}#${i}`;
      rows[i] = side.rows.get(key) as Row;
      side.rows.remove(key);
    }
    side.counts.remove(windowEnd);
    return rows;
  };

  const join = (left: Row[] | undefined, right: Row[] | undefined, out: Collector<Row>): void => {
    const emit = (l: Row, r: Row) => out.collect([...l, ...r]);
    /** Each outer row joined with every inner row ON accepts, in Flink's loop order, or padded when none does. */
    const probe = (outer: Row[], inner: Row[], pair: (o: Row, i: Row) => [Row, Row], padded: (o: Row) => [Row, Row], joinedInner?: Set<Row>) => {
      for (const o of outer) {
        let matched = false;
        for (const i of inner) {
          const [l, r] = pair(o, i);
          const joined = [...l, ...r];
          if (!spec.matches(joined)) continue;
          out.collect(joined);
          matched = true;
          joinedInner?.add(i);
        }
        if (!matched) emit(...padded(o));
      }
    };
    switch (spec.joinType) {
      case "inner":
        if (!left || !right) return;
        for (const l of left)
          for (const r of right) {
            const joined = [...l, ...r];
            if (spec.matches(joined)) out.collect(joined);
          }
        return;
      case "left":
        probe(
          left ?? [],
          right ?? [],
          (l, r) => [l, r],
          (l) => [l, rightNulls],
        );
        return;
      case "right":
        // Flink loops over the right rows here, the left ones inside.
        probe(
          right ?? [],
          left ?? [],
          (r, l) => [l, r],
          (r) => [leftNulls, r],
        );
        return;
      case "semi":
      case "anti":
        // Flink's SemiAntiJoinOperator: a left row once, if some right row matches it (SEMI) or none does (ANTI).
        for (const l of left ?? []) if ((right ?? []).some((r) => spec.matches([...l, ...r])) === (spec.joinType === "semi")) out.collect(l);
        return;
      case "full": {
        const joinedRight = new Set<Row>();
        probe(
          left ?? [],
          right ?? [],
          (l, r) => [l, r],
          (l) => [l, rightNulls],
          joinedRight,
        );
        for (const r of right ?? []) if (!joinedRight.has(r)) emit(leftNulls, r);
        return;
      }
    }
  };

  const fn: KeyedCoProcessFunction<string, Row, Row, Row> & { left?: Side; right?: Side } = {
    open(rc: KeyedRuntimeContext) {
      this.left = { rows: rc.getMapState<string, Row>("left-rows"), counts: rc.getMapState<number, number>("left-counts") };
      this.right = { rows: rc.getMapState<string, Row>("right-rows"), counts: rc.getMapState<number, number>("right-counts") };
    },
    processElement1(row, ctx) {
      add(this.left as Side, row, row[spec.leftWindowEnd] as number, ctx);
    },
    processElement2(row, ctx) {
      add(this.right as Side, row, row[spec.rightWindowEnd] as number, ctx);
    },
    onTimer(timestamp, _ctx, out) {
      const windowEnd = timestamp + 1;
      join(take(this.left as Side, windowEnd), take(this.right as Side, windowEnd), out);
    },
  };
  return fn;
}

/** One side's state: its rows by `${window_end}#${sequence}`, and per window_end how many. */
interface Side {
  rows: MapState<string, Row>;
  counts: MapState<number, number>;
}
