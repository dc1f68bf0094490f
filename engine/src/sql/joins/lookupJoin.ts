import type { Collector } from "../../api/functions.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import { FlatMapOperator } from "../../operators/StatelessOperators.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { Expr, FromItem } from "../ast.js";
import type { Column, TableEntry } from "../catalog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { readTableRows } from "../connectors/filesystem/fileSystemSource.js";
import { StreamSqlError } from "../errors.js";
import type { Relation } from "../planner.js";
import { analyzeCondition } from "./joinCondition.js";
import { type JoinKey, joinKeyOf } from "./joinKey.js";
import { lookupKeys } from "./lookupKeyTypes.js";

type JoinItem = Extract<FromItem, { kind: "join" }>;

/**
 * `l [LEFT] JOIN t FOR SYSTEM_TIME AS OF l.proctime ON …` where `t` is a lookup source — a CSV file
 * declared with the legacy keys, which Flink reads by its CsvTableSource and joins by
 * LookupJoin: each left row looks up the rows of `t` whose columns equal the ON keys, in the table as
 * it is when the row arrives. That CsvLookupFunction loads the whole file when the operator opens and
 * serves every lookup from it; so here, the table is read when the operator opens (never again) by the
 * filesystem scan's reader and decoder (readTableRows: the same files, format options and errors) into
 * a hash table by key, and the join is a stateless flatMap over the left rows: no state, no right-side
 * stream, no watermark of its own. Output append-only, as Flink's over an append-only left input.
 */
export function planLookupJoin(item: JoinItem, asOf: Expr, left: Relation, table: TableEntry, leftQualifiers: (string | undefined)[]): Relation {
  if (item.joinType !== "inner" && item.joinType !== "left")
    throw new StreamSqlError("validation", `Unsupported join type ${item.joinType.toUpperCase()} for a temporal join: only INNER and LEFT joins are supported`, item.at, item.joinType.toUpperCase());
  if (table.columns.some((c) => c.computed || c.metadata) || (table.partitionKeys ?? []).length > 0)
    throw new StreamSqlError("unsupported", `lookup table ${table.name}: computed, metadata or partition columns are not supported yet`, item.at, table.name);
  if (left.changes) throw new StreamSqlError("unsupported", "a lookup join over an updating input is not supported yet", item.at, undefined);
  const qualifier = item.right.kind === "table" ? (item.right.alias ?? item.right.name) : table.name;
  const leftWidth = left.columns.length;
  // The looked-up side is padded with NULLs by a LEFT join: nullable in the output.
  const rightColumns: Column[] = table.columns.map((c) => ({ name: c.name, type: { ...c.type, rowtime: false, ...(item.joinType === "left" ? { nullable: true } : {}) } }));
  const columns = [...left.columns, ...rightColumns];
  const qualifiers = [...leftQualifiers, ...rightColumns.map(() => qualifier)];
  const scope: ScopeColumn[] = columns.map((c, index) => ({ name: c.name, type: c.type, index, ...(qualifiers[index] ? { table: qualifiers[index] } : {}) }));
  const condition = analyzeCondition(item.on, scope, leftWidth);
  // Flink's lookup keys are right-side columns equal to something of the left row.
  const rightKeys = condition.keys.map((k) => (k.right.kind === "column" ? scope.slice(leftWidth).find((c) => c.name.toLowerCase() === (k.right as { name: string }).name.toLowerCase()) : undefined));
  const noKey = () => new StreamSqlError("validation", `Temporal table join requires an equality condition on fields of table [${table.name}].`, item.on?.at ?? item.at, "ON");
  if (condition.keys.length === 0 || rightKeys.some((c) => c === undefined)) throw noKey();

  const leftScope = scope.slice(0, leftWidth);
  const typed = lookupKeys(condition.keys, rightKeys, leftScope);
  if (typed.keys.length === 0) throw noKey();
  const leftKey = new ExprCompiler(leftScope).rowFunction(typed.keys.map((k) => k.left)).fn;
  const rightKey = (r: Row): JoinKey => joinKeyOf(typed.keys.map((k) => r[k.column.index - leftWidth]));
  const rest = [...condition.rest, ...typed.conditions].reduce<Expr | undefined>((a, b) => (a === undefined ? b : { kind: "binary", op: "AND", left: a, right: b, at: item.at }), undefined);
  const matches = rest === undefined ? () => true : new ExprCompiler(scope).predicate(rest);
  const nulls: Row = rightColumns.map(() => null);
  const outer = item.joinType === "left";
  const join = (index: Map<JoinKey, Row[]>, l: Row, out: Collector<Row>): void => {
    const key = joinKeyOf(leftKey(l));
    let joined = false;
    for (const r of (key === null ? undefined : index.get(key)) ?? []) {
      const row = [...l, ...r];
      if (!matches(row)) continue;
      out.collect(row);
      joined = true;
    }
    if (!joined && outer) out.collect([...l, ...nulls]);
  };
  const stream = left.stream
    .transform<Row>("LookupJoin", (ctx) => new LookupJoinOperator(table, rightKey, join, ctx as OperatorContext<Row>))
    .name(`LookupJoin(table=[${table.name}], joinType=[${outer ? "LeftOuterJoin" : "InnerJoin"}], on ${asOf.kind === "column" ? asOf.name : "proctime"})`);
  return { stream, columns, bounded: left.bounded, qualifier: undefined, qualifiers };
}

/** Reads the table when it opens, then joins each left row with its rows by key (a row with a NULL key is never found, as SQL's `=`). */
class LookupJoinOperator implements Operator<Row> {
  private index = new Map<JoinKey, Row[]>();
  private readonly rows: FlatMapOperator<Row, Row>;

  constructor(
    private readonly table: TableEntry,
    private readonly keyOf: (r: Row) => JoinKey,
    join: (index: Map<JoinKey, Row[]>, l: Row, out: Collector<Row>) => void,
    private readonly ctx: OperatorContext<Row>,
  ) {
    this.rows = new FlatMapOperator<Row, Row>((l, out) => join(this.index, l, out), ctx);
  }

  async open(): Promise<void> {
    for (const row of await readTableRows(this.table, this.ctx)) {
      const key = this.keyOf(row);
      if (key === null) continue;
      const rows = this.index.get(key);
      if (rows) rows.push(row);
      else this.index.set(key, [row]);
    }
  }

  processBatch(batch: RecordBatch<Row>): void {
    this.rows.processBatch(batch);
  }
}
