import type { Collector } from "../../api/functions.js";
import type { Expr, JoinType } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";

/** Flink's window join types: the four of JOIN, and SEMI/ANTI from `IN`/`EXISTS` subqueries (left rows only out). */
export type WindowJoinType = JoinType | "semi" | "anti";

export interface WindowJoinSpec {
  joinType: WindowJoinType;
  /** Index of window_end in a left row and in a right row. */
  leftWindowEnd: number;
  rightWindowEnd: number;
  leftWidth: number;
  rightWidth: number;
  /** The ON condition (keys and window equalities included) on a left and a right row, as on their joined row. */
  matches: (left: Row, right: Row) => boolean;
  /** The joined row of a pair (concatRows); `[...l, ...r]` without. */
  concat?: (left: Row, right: Row) => Row;
}

/**
 * ON over a left and a right row without joining them first (`pairPredicate`): a pair ON rejects costs no
 * joined row. nexmark q5 pairs each auction's count with its window's MAX and keeps only the leaders, so a
 * joined row per pair was most of the join's allocations.
 */
export function pairPredicate(on: Expr | undefined, scope: ScopeColumn[], leftWidth: number): (left: Row, right: Row) => boolean {
  if (on === undefined) return () => true;
  const compiler = new ExprCompiler(scope, undefined, (i) => (i < leftWidth ? `l[${i}]` : `r[${i - leftWidth}]`));
  const c = compiler.compile(on);
  if (c.type.name !== "BOOLEAN" && c.type.name !== "NULL") throw new StreamSqlError("validation", `a condition must be BOOLEAN, not ${c.type.name}`, on.at, undefined);
  return compiler.function("l, r", `return ${c.code} === true;`) as (left: Row, right: Row) => boolean;
}

/** `[...l, ...r]` as one array literal of the joined row's width. */
export function concatRows(leftWidth: number, rightWidth: number): (left: Row, right: Row) => Row {
  const columns = [...Array.from({ length: leftWidth }, (_, i) => `l[${i}]`), ...Array.from({ length: rightWidth }, (_, i) => `r[${i}]`)];
  return new Function(`"use strict"; return (l, r) => [${columns.join(", ")}];`)() as (left: Row, right: Row) => Row;
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
    const concat = spec.concat ?? spread;
    for (const l of left) for (const r of right) if (spec.matches(l, r)) out.collect(concat(l, r));
    return;
  }
  const leftNulls = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);
  const concat = spec.concat ?? spread;
  const emit = (l: Row, r: Row) => out.collect(concat(l, r));
  /** Each outer row joined with every inner row ON accepts, in Flink's loop order, or padded when none does. */
  const probe = (outer: Row[], inner: Row[], pair: (o: Row, i: Row) => [Row, Row], padded: (o: Row) => [Row, Row], joinedInner?: Set<Row>) => {
    for (const o of outer) {
      let matched = false;
      for (const i of inner) {
        const [l, r] = pair(o, i);
        if (!spec.matches(l, r)) continue;
        out.collect(concat(l, r));
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
      for (const l of left ?? []) if ((right ?? []).some((r) => spec.matches(l, r)) === (spec.joinType === "semi")) out.collect(l);
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

const spread = (l: Row, r: Row): Row => [...l, ...r];
