import type { Collector } from "../../api/functions.js";
import type { KeyedCoProcessFunction, KeyedProcessContext, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { MapState } from "../../state/State.js";
import type { JoinType } from "../ast.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";

/** A side's rows of one window: the first n rows of an append-only array (see `add` in windowJoinFunction). */
type WindowRows = [rows: Row[], n: number];

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
export function windowJoinFunction(spec: WindowJoinSpec): KeyedCoProcessFunction<JoinKey, Row, Row, Row> {
  const leftNulls = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);

  /**
   * A side's rows of a window, under its window_end: `[rows, n]`, the window's first n rows. Rows are only
   * ever appended to `rows` and each add stores a new pair, so a checkpoint holding an earlier pair still
   * sees its own n rows; an add whose pair no longer ends its array (it came from a checkpoint, restored)
   * copies the n rows first. One state entry per window and one push per row: a state entry per row under
   * a `${window_end}#${sequence}` string cost a string, its hash and a map entry each (nexmark q5 sends all
   * of a window's per-auction counts to one key), and a Row[] copied per add n²/2 copies.
   */
  const add = (side: MapState<number, WindowRows>, row: Row, windowEnd: number, ctx: KeyedProcessContext<JoinKey>): void => {
    // Flink's isWindowFired: the window's last millisecond is at or behind the watermark.
    if (windowEnd - 1 <= ctx.timerService.currentWatermark()) return;
    const held = side.get(windowEnd);
    if (held === undefined) {
      side.put(windowEnd, [[row], 1]);
      ctx.timerService.registerEventTimeTimer(windowEnd - 1);
      return;
    }
    const [rows, n] = held;
    const own = rows.length === n ? rows : rows.slice(0, n);
    own.push(row);
    side.put(windowEnd, [own, n + 1]);
  };
  /** A side's rows of a window in arrival order, removed from its state. */
  const take = (side: MapState<number, WindowRows>, windowEnd: number): Row[] | undefined => {
    const held = side.get(windowEnd);
    if (held === undefined) return undefined;
    side.remove(windowEnd);
    const [rows, n] = held;
    return rows.length === n ? rows : rows.slice(0, n);
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

  type Side = MapState<number, WindowRows>;
  const fn: KeyedCoProcessFunction<JoinKey, Row, Row, Row> & { left?: Side; right?: Side } = {
    open(rc: KeyedRuntimeContext) {
      this.left = rc.getMapState<number, WindowRows>("left-rows");
      this.right = rc.getMapState<number, WindowRows>("right-rows");
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
