import type { Collector } from "../../api/functions.js";
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
 * One window's rows of one key joined as Flink's WindowJoinOperator joins them when the window fires
 * (INNER, LEFT, RIGHT, FULL, SEMI or ANTI, in Flink's loop order); `undefined` for a side without rows.
 * The operator holding the rows until then is windowJoinOperator.ts.
 */
export function joinWindowRows(spec: WindowJoinSpec, left: Row[] | undefined, right: Row[] | undefined, out: Collector<Row>): void {
  // INNER first, before the outer joins' padding and closures: nexmark q8 joins each key of every window.
  if (spec.joinType === "inner") {
    if (!left || !right) return;
    for (const l of left)
      for (const r of right) {
        const joined = [...l, ...r];
        if (spec.matches(joined)) out.collect(joined);
      }
    return;
  }
  const leftNulls = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);
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
}
