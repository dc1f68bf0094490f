import { readFileSync } from "node:fs";
import type { Expr, FromItem } from "../ast.js";
import type { Column, TableEntry } from "../catalog.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import type { Row } from "../connectors.js";
import { lineDecoder } from "../connectors/filesystem/lineDecode.js";
import { localPath } from "../connectors/filesystem/options.js";
import { ParseError } from "../../errors/errors.js";
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
 * serves every lookup from it; so here, the file is read into a hash table by key at the first row
 * (never re-read) and the join is a stateless flatMap over the left rows: no state, no right-side
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
  let index: Map<JoinKey, Row[]> | undefined;

  const stream = left.stream
    .flatMap<Row>((l, out) => {
      index ??= loadIndex(table, rightKey);
      const key = joinKeyOf(leftKey(l));
      let joined = false;
      for (const r of (key === null ? undefined : index.get(key)) ?? []) {
        const row = [...l, ...r];
        if (!matches(row)) continue;
        out.collect(row);
        joined = true;
      }
      if (!joined && outer) out.collect([...l, ...nulls]);
    })
    .name(`LookupJoin(table=[${table.name}], joinType=[${outer ? "LeftOuterJoin" : "InnerJoin"}], on ${asOf.kind === "column" ? asOf.name : "proctime"})`);
  return { stream, columns, bounded: left.bounded, qualifier: undefined, qualifiers };
}

/** The file's rows by lookup key (a row with a NULL key is never found, as SQL's `=`). A line the format cannot read fails the job, naming file and line. */
function loadIndex(table: TableEntry, keyOf: (r: Row) => JoinKey): Map<JoinKey, Row[]> {
  const path = localPath(table.name, table.options.path as string);
  const decode = lineDecoder("csv", table.options)(table.columns);
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const index = new Map<JoinKey, Row[]>();
  lines.forEach((line, i) => {
    let row: Row | undefined;
    try {
      row = decode(line.endsWith("\r") ? line.slice(0, -1) : line);
    } catch (e) {
      throw new ParseError(`lookup table ${table.name}: ${path} line ${i + 1}: ${(e as Error).message}`, { operator: `LookupJoin(${table.name})`, source: path, line: i + 1 }, { cause: e });
    }
    if (row === undefined) return;
    const key = keyOf(row);
    if (key === null) return;
    const rows = index.get(key);
    if (rows) rows.push(row);
    else index.set(key, [row]);
  });
  return index;
}
