import type { Expr, FromItem } from "../ast.js";
import type { Column } from "../catalog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import { StreamSqlError } from "../errors.js";
import type { Relation } from "../planner.js";
import { analyzeCondition } from "./joinCondition.js";
import { asChanges } from "./joinInputs.js";
import { joinKeyOf } from "./joinKey.js";
import { stateDigest } from "../restore/planUids.js";
import { temporalJoinFunction } from "./temporalJoin.js";

type JoinItem = Extract<FromItem, { kind: "join" }>;

/**
 * `l [LEFT] JOIN r FOR SYSTEM_TIME AS OF l.rowtime ON l.k = r.k …` against a versioned table (a
 * primary key and a rowtime: a table declaring both, or a deduplicating view keeping the last row
 * per key), checked as Flink's planner checks it, then run as TemporalRowTimeJoinOperator
 * (temporalJoin.ts) keyed by the equality keys. Append-only when the left input is.
 */
export function planTemporalJoin(item: JoinItem, asOf: Expr, left: Relation, right: Relation, scope: ScopeColumn[], qualifiers: (string | undefined)[]): Relation {
  const leftWidth = left.columns.length;
  if (item.joinType !== "inner" && item.joinType !== "left")
    throw new StreamSqlError("validation", `Unsupported join type ${item.joinType.toUpperCase()} for a temporal join: only INNER and LEFT joins are supported`, item.at, item.joinType.toUpperCase());
  const leftScope = scope.slice(0, leftWidth);
  if (asOf.kind !== "column") throw new StreamSqlError("validation", "FOR SYSTEM_TIME AS OF takes a time attribute column of the left table", asOf.at, undefined);
  const leftTime = new ExprCompiler(leftScope).compile(asOf);
  const timeColumn = leftScope.find((c) => c.name.toLowerCase() === asOf.name.toLowerCase() && (asOf.table === undefined || c.table?.toLowerCase() === asOf.table.toLowerCase()));
  const proctime = timeColumn?.type.proctime === true;
  if (timeColumn === undefined || leftTime.type.name !== "TIMESTAMP" || !(timeColumn.type.rowtime || proctime))
    throw new StreamSqlError("validation", `Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field (${asOf.name} is none)`, asOf.at, asOf.name);

  const primaryKey: number[] | undefined = right.primaryKey ?? (right.changes ? right.uniqueKey : undefined);
  const rightName = item.right.kind === "table" ? (item.right.alias ?? item.right.name) : "the versioned table";
  if (primaryKey === undefined || primaryKey.length === 0)
    throw new StreamSqlError("validation", `Temporal Table Join requires primary key in versioned table, but no primary key can be found (${rightName})`, item.right.at, rightName);
  const rightTime = right.columns.findIndex((c) => c.type.rowtime);
  if (rightTime < 0 && !proctime)
    throw new StreamSqlError(
      "validation",
      `Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found (${rightName})`,
      item.right.at,
      rightName,
    );

  const condition = analyzeCondition(item.on, scope, leftWidth);
  const keyColumns = condition.keys.map((k) =>
    k.right.kind === "column" ? scope.slice(leftWidth).find((c) => c.name.toLowerCase() === (k.right as { name: string }).name.toLowerCase())?.index : undefined,
  );
  const missing = primaryKey.filter((p) => !keyColumns.includes(p + leftWidth));
  if (missing.length > 0)
    throw new StreamSqlError(
      "validation",
      `Temporal table's primary key [${primaryKey.map((p) => right.columns[p]?.name).join(", ")}] must be included in the equivalence condition of temporal join`,
      item.on?.at ?? item.at,
      "ON",
    );

  // Flink checks the versioned table's key first (TemporalJoinRewriteWithUniqueKeyRule), then joins a processing-time
  // attribute only with a lookup source (lookupJoin.ts: a legacy CSV table; JDBC, HBase, … Sluice has none of).
  if (proctime) throw new StreamSqlError("unsupported", "Processing-time temporal join is not supported yet.", asOf.at, asOf.name);
  const rightScope = scope.slice(leftWidth).map((c) => ({ ...c, index: c.index - leftWidth }));
  const leftKey = new ExprCompiler(leftScope).rowFunction(condition.keys.map((k) => k.left)).fn;
  const rightKey = new ExprCompiler(rightScope).rowFunction(condition.keys.map((k) => k.right)).fn;
  const all: Expr[] = [...condition.keys.map((k): Expr => ({ kind: "binary", op: "=", left: k.left, right: k.right, at: item.at })), ...condition.rest];
  const matches = new ExprCompiler(scope).predicate(all.reduce((a, b) => ({ kind: "binary", op: "AND", left: a, right: b, at: item.at })));
  const fn = temporalJoinFunction({ joinType: item.joinType, leftTime: timeColumn.index, rightTime, rightWidth: right.columns.length, matches });

  const joinType = `joinType=[${item.joinType === "inner" ? "InnerJoin" : "LeftOuterJoin"}]`;
  const joined = asChanges(left)
    .connect(asChanges(right))
    .keyBy(
      (c) => joinKeyOf(leftKey(c.row)),
      (c) => joinKeyOf(rightKey(c.row)),
    )
    .process(fn)
    .name(`TemporalJoin(${joinType}, ${rightName} FOR SYSTEM_TIME AS OF ${asOf.table ? `${asOf.table}.` : ""}${asOf.name})`);
  // Its keys' encoding in its uid: a savepoint keyed by an older build's JSON keys fails to restore, by name.
  const changes = stateDigest(joined, JSON.stringify({ join: "temporal", keys: "joinKeyOf/1" }));
  // The left rowtime stays a time attribute; the versioned table's is a plain timestamp after the join.
  const columns: Column[] = [...left.columns, ...right.columns.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false } }))];
  const bounded = left.bounded && right.bounded;
  if (left.changes) return { changes, uniqueKey: undefined, columns, bounded, qualifier: undefined, qualifiers };
  const stream = changes.map((c) => c.row).name("append-only");
  return { stream, columns, bounded, qualifier: undefined, qualifiers };
}
