import type { SqlPosition } from "./errors.js";
import type { MatchRecognizeSpec } from "./matchRecognize/spec.js";
import type { SqlType } from "./types.js";

/** The typed AST of the Flink SQL subset Sluice supports (README: "Streaming SQL"). */
export type Statement =
  | CreateTable
  | CreateView
  | { kind: "drop"; object: "table" | "view"; name: string; ifExists: boolean; at: SqlPosition }
  | { kind: "showTables"; at: SqlPosition }
  /** `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'class' [LANGUAGE …] [USING JAR …]` (functions/). */
  | CreateFunction
  | { kind: "dropFunction"; name: string; scope: FunctionScope; ifExists: boolean; at: SqlPosition }
  /** `SHOW [USER] FUNCTIONS`. */
  | { kind: "showFunctions"; user: boolean; at: SqlPosition }
  | { kind: "describe"; name: string; at: SqlPosition }
  | { kind: "insert"; table: string; query: Query; at: SqlPosition }
  | { kind: "query"; query: Query; at: SqlPosition }
  /** `SET 'key' = 'value'` (`SET;` lists), `RESET ['key']`: session options, as Flink's SQL client. */
  | { kind: "set"; key?: string; value?: string; at: SqlPosition }
  | { kind: "reset"; key?: string; at: SqlPosition }
  /** `EXPLAIN [PLAN FOR] <query or INSERT>`: plans without running. */
  | { kind: "explain"; statement: Extract<Statement, { kind: "query" | "insert" }>; at: SqlPosition }
  /** `EXECUTE STATEMENT SET BEGIN …; END` or `BEGIN STATEMENT SET; …; END`: several INSERTs as one job. */
  | { kind: "statementSet"; inserts: Extract<Statement, { kind: "insert" }>[]; at: SqlPosition };

/** Flink's three kinds of function: TEMPORARY SYSTEM (before the built-ins), TEMPORARY (a temporary catalog function), and catalog functions. */
export type FunctionScope = "system" | "temporary" | "catalog";

export interface CreateFunction {
  kind: "createFunction";
  name: string;
  scope: FunctionScope;
  ifNotExists: boolean;
  className: string;
  /** Where the class name is written (an unknown class is reported there). */
  classAt: SqlPosition;
  /** JAVA (the default), SCALA or PYTHON, as written. */
  language: string;
  at: SqlPosition;
}

export interface ColumnDef {
  name: string;
  type: SqlType;
  /** `METADATA [FROM 'key'] [VIRTUAL]`: a connector's metadata (e.g. Kafka's record timestamp), not a payload field. */
  metadata?: ColumnMetadata;
  /** A computed column `name AS expr` (its type is inferred when the table is created). */
  expr?: Expr;
}

export interface ColumnMetadata {
  /** The connector's metadata key; the column name when no FROM is given. */
  key: string;
  /** Read-only: not part of the table's sink schema. */
  virtual: boolean;
}

export interface CreateTable {
  kind: "createTable";
  name: string;
  ifNotExists: boolean;
  columns: ColumnDef[];
  /** `WATERMARK FOR col AS expr` */
  watermark?: { column: string; expr: Expr };
  /** `PRIMARY KEY (…) NOT ENFORCED`: the columns an upsert sink keys by. */
  primaryKey?: string[];
  /** `PARTITIONED BY (…)`: the columns a filesystem sink writes as `col=value/` directories. */
  partitionedBy?: string[];
  options: Record<string, string>;
  at: SqlPosition;
}

export interface CreateView {
  kind: "createView";
  name: string;
  ifNotExists: boolean;
  query: Query;
  at: SqlPosition;
}

/** A query: one SELECT, or several joined by UNION ALL. */
export type Query = Select | { kind: "unionAll"; inputs: Query[]; at: SqlPosition };

export interface Select {
  kind: "select";
  distinct: boolean;
  items: SelectItem[];
  from: FromItem;
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  /** `WINDOW w AS (…)`: named OVER windows, by lower-cased name. */
  windows?: Record<string, OverSpec>;
  /** `ORDER BY …` and `LIMIT n [OFFSET m]` (engine/src/sql/sort/ plans them as Flink's streaming rules allow). */
  orderBy?: SortKey[];
  limit?: number;
  offset?: number;
  at: SqlPosition;
}

/** An ORDER BY key; `nullsFirst` only when NULLS FIRST/LAST is written (else NULL sorts lowest, as Flink's default). */
export interface SortKey {
  expr: Expr;
  desc: boolean;
  nullsFirst?: boolean;
}

/** `OVER (PARTITION BY … ORDER BY … [ROWS|RANGE …])` or `OVER w` (a `ref` to the SELECT's WINDOW clause). */
export interface OverSpec {
  ref?: string;
  partitionBy: Expr[];
  orderBy: SortKey[];
  /** `preceding`: rows (ROWS) or milliseconds (RANGE INTERVAL), undefined for UNBOUNDED. Absent: Flink's default, RANGE UNBOUNDED PRECEDING. */
  frame?: { unit: "rows" | "range"; preceding: number | undefined };
  at: SqlPosition;
}

/** `*`, or `t.*` (`table`: the columns of that table or alias only); `except`: columns the planner itself added and hides (never parsed). */
export type SelectItem = { kind: "star"; table?: string; except?: string[]; at: SqlPosition } | { kind: "expr"; expr: Expr; alias?: string; at: SqlPosition };

export type FromItem =
  /** `asOf`: `t FOR SYSTEM_TIME AS OF l.time` on a join's right side (a temporal join, joins/planTemporalJoin.ts). */
  | { kind: "table"; name: string; alias?: string; asOf?: Expr; at: SqlPosition }
  | { kind: "subquery"; query: Query; alias?: string; at: SqlPosition }
  /** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))` */
  | { kind: "tumble"; input: FromItem; timeColumn: string; size: number; offset?: number; alias?: string; at: SqlPosition }
  /** `TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size[, offset]))`; TUMBLE and CUMULATE take the same optional offset (ms). */
  | { kind: "hop"; input: FromItem; timeColumn: string; slide: number; size: number; offset?: number; alias?: string; at: SqlPosition }
  /** `TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), step, size))` */
  | { kind: "cumulate"; input: FromItem; timeColumn: string; step: number; size: number; offset?: number; alias?: string; at: SqlPosition }
  /** `TABLE(SESSION(TABLE t [PARTITION BY k | PARTITION BY (k1, k2)], DESCRIPTOR(ts), gap))` */
  | { kind: "session"; input: FromItem; partitionBy: string[]; timeColumn: string; gap: number; alias?: string; at: SqlPosition }
  /** `a [INNER|LEFT|RIGHT|FULL [OUTER]] JOIN b ON cond`, or `a, b` (`comma`: its condition is the WHERE). engine/src/sql/joins/ plans it. */
  /** `t MATCH_RECOGNIZE (…) [AS alias]`: engine/src/sql/matchRecognize/ plans it. */
  | { kind: "matchRecognize"; spec: MatchRecognizeSpec; alias?: string; at: SqlPosition }
  | { kind: "join"; joinType: JoinType; left: FromItem; right: FromItem; on?: Expr; comma?: boolean; alias?: undefined; at: SqlPosition };

export type JoinType = "inner" | "left" | "right" | "full";

/** The window table-valued functions (Flink's "windowing TVFs"). */
export type WindowTvf = Extract<FromItem, { kind: "tumble" | "hop" | "cumulate" | "session" }>;

export type Expr =
  | { kind: "literal"; value: string | number | boolean | null; type: SqlType; at: SqlPosition }
  /** Milliseconds, as Flink's INTERVAL DAY TO SECOND. */
  | { kind: "interval"; millis: number; at: SqlPosition }
  | { kind: "column"; table?: string; name: string; at: SqlPosition }
  | { kind: "unary"; op: "-" | "NOT"; arg: Expr; at: SqlPosition }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; at: SqlPosition }
  | { kind: "isNull"; arg: Expr; negated: boolean; at: SqlPosition }
  | { kind: "between"; arg: Expr; low: Expr; high: Expr; negated: boolean; at: SqlPosition }
  | { kind: "in"; arg: Expr; list: Expr[]; negated: boolean; at: SqlPosition }
  | { kind: "like"; arg: Expr; pattern: Expr; negated: boolean; at: SqlPosition }
  | { kind: "case"; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr; at: SqlPosition }
  | { kind: "cast"; arg: Expr; type: SqlType; at: SqlPosition }
  /** `filter`: an aggregate's `FILTER (WHERE cond)`, the rows it reads. */
  | { kind: "call"; name: string; args: Expr[]; distinct: boolean; star: boolean; filter?: Expr; over?: OverSpec; at: SqlPosition }
  /** `arg [NOT] IN (SELECT …)` and `EXISTS (SELECT …)`: only in a WHERE, as a semi/anti join (joins/planSemiJoin.ts). */
  | { kind: "inQuery"; arg: Expr; query: Query; negated: boolean; at: SqlPosition }
  | { kind: "exists"; query: Query; at: SqlPosition };

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "||" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "AND" | "OR";

/** The sub-expressions of `e`, for walks over an expression tree. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "unary":
    case "cast":
    case "isNull":
      return [e.arg];
    case "binary":
      return [e.left, e.right];
    case "between":
      return [e.arg, e.low, e.high];
    case "in":
      return [e.arg, ...e.list];
    case "inQuery":
      return [e.arg];
    case "like":
      return [e.arg, e.pattern];
    case "case":
      return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case "call":
      return e.filter ? [...e.args, e.filter] : e.args;
    default:
      return [];
  }
}
