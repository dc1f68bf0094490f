import type { KeyedCoProcessFunction, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { ListState } from "../../state/State.js";
import type { Row } from "../connectors.js";
import type { FlatJoin } from "./compactRows.js";
import type { JoinKey } from "./joinKey.js";

/**
 * The inner join of two append-only inputs, whose result only inserts: rows in, rows out, each side's
 * rows a list per join key (nothing is ever retracted, so neither counts nor associations are kept; a
 * row that comes twice is there twice). A row whose key is `null` can never join and is not kept.
 *
 * A side's list holds its (compact, compactRows.ts) rows' values one after another, `width` per row,
 * not a row object each: every row stays in state as long as the job runs (nexmark q4 keeps every bid,
 * as Flink does), and a list of numbers holds them unboxed, with no object per row for the garbage
 * collector to copy and promote. The list is appended to in place; a checkpoint copies it.
 */
export function appendOnlyInnerJoinFunction(flat: FlatJoin): KeyedCoProcessFunction<JoinKey, Row, Row, Row> {
  const { leftWidth, rightWidth, withRight, withLeft } = flat;
  const fn: KeyedCoProcessFunction<JoinKey, Row, Row, Row> & { left?: ListState<unknown>; right?: ListState<unknown> } = {
    open(rc: KeyedRuntimeContext) {
      this.left = rc.getListState<unknown>("left-values");
      this.right = rc.getListState<unknown>("right-values");
    },
    processElement1(row, ctx, out) {
      if (ctx.getCurrentKey() === null) return;
      (this.left as ListState<unknown>).addAll(row);
      const others = (this.right as ListState<unknown>).get();
      for (let i = 0; i < others.length; i += rightWidth) {
        const both = withRight(row, others, i);
        if (both !== undefined) out.collect(both);
      }
    },
    processElement2(row, ctx, out) {
      if (ctx.getCurrentKey() === null) return;
      (this.right as ListState<unknown>).addAll(row);
      const others = (this.left as ListState<unknown>).get();
      for (let i = 0; i < others.length; i += leftWidth) {
        const both = withLeft(others, i, row);
        if (both !== undefined) out.collect(both);
      }
    },
  };
  return fn;
}
