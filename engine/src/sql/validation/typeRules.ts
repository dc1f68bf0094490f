import type { Column } from "../catalog.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import { isNumeric, widen, type SqlType } from "../types.js";

/** A type as Flink's messages spell it (`INTEGER`, `VARCHAR`, a string literal is `CHAR`, `TIMESTAMP(3)`). */
export function flinkTypeName(t: SqlType, literal = false): string {
  if (t.name === "INT") return "INTEGER";
  if (t.name === "STRING") return literal ? "CHAR" : "VARCHAR";
  if (t.name === "TIMESTAMP") return `TIMESTAMP(${t.params?.[0] ?? 3})`;
  return t.name;
}

const family = (t: SqlType): string => (isNumeric(t) ? "NUMERIC" : t.name);

/**
 * How a comparison of `a` and `b` runs, as Flink 1.20.1 does it: same families compare as they are;
 * `=`/`<>` of a string and a number is a validation error ("implicit type conversion … is not
 * supported now"), an ordering comparison casts the string to the number at run time (a string
 * that is no number fails the job); a number, BOOLEAN or TIMESTAMP against another of those is
 * Calcite's "Cannot apply". Returns the code of each side, the string side wrapped in a strict cast.
 */
export function comparison(op: string, a: { code: string; type: SqlType; literal: boolean }, b: { code: string; type: SqlType; literal: boolean }, at: SqlPosition): [string, string] {
  const [fa, fb] = [family(a.type), family(b.type)];
  if (fa === fb || fa === "NULL" || fb === "NULL") return [a.code, b.code];
  const stringAndNumber = (fa === "STRING" && fb === "NUMERIC") || (fa === "NUMERIC" && fb === "STRING");
  if (stringAndNumber) {
    if (op === "=" || op === "<>")
      throw new StreamSqlError("validation", `implicit type conversion between ${flinkTypeName(a.type, a.literal)} and ${flinkTypeName(b.type, b.literal)} is not supported now`, at, op);
    return [fa === "STRING" ? `$.toNumberStrict(${a.code})` : a.code, fb === "STRING" ? `$.toNumberStrict(${b.code})` : b.code];
  }
  const strict = ["NUMERIC", "BOOLEAN", "TIMESTAMP", "DATE"];
  if (strict.includes(fa) && strict.includes(fb))
    throw new StreamSqlError("validation", `Cannot apply '${op}' to arguments of type '<${flinkTypeName(a.type)}> ${op} <${flinkTypeName(b.type)}>'`, at, op);
  return [a.code, b.code];
}

/** UNION ALL's column types: numbers widen, other types must be the same (Calcite's "Type mismatch in column n of UNION ALL"). */
export function unionColumns(inputs: Column[][], at: SqlPosition): Column[] {
  const first = inputs[0] as Column[];
  return first.map((c, i) => {
    const types = inputs.map((cols) => (cols[i] as Column).type).filter((t) => t.name !== "NULL");
    if (types.every(isNumeric) && types.length > 0) return { name: c.name, type: types.reduce(widen) };
    if (types.some((t) => t.name !== types[0]?.name)) throw new StreamSqlError("validation", `Type mismatch in column ${i + 1} of UNION ALL`, at, "UNION");
    return { name: c.name, type: types[0] ? { name: types[0].name, ...(types[0].params ? { params: types[0].params } : {}) } : { name: "NULL" } };
  });
}

const WIDENING = ["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"];

/** Flink's implicit casts for an INSERT: the same type, NULL, or a number into a wider number. */
function implicitlyCasts(from: SqlType, to: SqlType): boolean {
  if (from.name === to.name || from.name === "NULL") return true;
  return isNumeric(from) && isNumeric(to) && WIDENING.indexOf(from.name) <= WIDENING.indexOf(to.name);
}

/** An INSERT's query columns against the sink table's, as Flink checks them ("Column types of query result and sink … do not match"). */
export function checkInsertTypes(table: string, query: Column[], sink: Column[], at: SqlPosition): void {
  const bad = sink.findIndex((c, i) => !implicitlyCasts((query[i] as Column).type, c.type));
  if (bad < 0) return;
  const schema = (cols: Column[]) => `[${cols.map((c) => `${c.name}: ${c.type.name}`).join(", ")}]`;
  throw new StreamSqlError(
    "validation",
    `Column types of query result and sink for '${table}' do not match. Cause: Incompatible types for sink column '${(sink[bad] as Column).name}' at position ${bad}. ` +
      `Query schema: ${schema(query)}, sink schema: ${schema(sink)}`,
    at,
    table,
  );
}

/** A connector's error (raised where the table is read or written, without a position) at the statement's table reference. */
export function atReference<T>(at: SqlPosition, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof StreamSqlError && e.position === undefined) throw new StreamSqlError(e.kind, e.detail, at, e.token);
    throw e;
  }
}
