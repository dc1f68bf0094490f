import type { Expr, FromItem } from "../ast.js";
import type { SqlPosition } from "../errors.js";

/** One pattern variable with its quantifier, as Calcite's PATTERN_QUANTIFIER: `max` -1 for unbounded. */
export interface PatternTerm {
  variable: string;
  min: number;
  max: number;
  /** A trailing `?` after a quantifier (`B*?`, `B{2,}?`): as few rows as possible. */
  reluctant: boolean;
  at: SqlPosition;
}

/** `AFTER MATCH SKIP …`: where matching resumes after a match. */
export type AfterMatch = { kind: "pastLastRow"; at: SqlPosition } | { kind: "toNextRow"; at: SqlPosition } | { kind: "toFirst" | "toLast"; variable: string; at: SqlPosition };

/** `t MATCH_RECOGNIZE (PARTITION BY … ORDER BY … MEASURES … ONE ROW PER MATCH AFTER MATCH SKIP … PATTERN (…) WITHIN … DEFINE …)`. */
export interface MatchRecognizeSpec {
  input: FromItem;
  partitionBy: Expr[];
  orderBy: { expr: Expr; desc: boolean }[];
  measures: { expr: Expr; name: string; at: SqlPosition }[];
  after: AfterMatch | undefined;
  pattern: PatternTerm[];
  /** `WITHIN INTERVAL …`, milliseconds. */
  within: number | undefined;
  /** DEFINE's conditions by variable, in the order written. */
  define: { variable: string; condition: Expr; at: SqlPosition }[];
  at: SqlPosition;
}
