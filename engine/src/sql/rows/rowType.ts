/**
 * Flink's structured ROW type: `ROW<name type, …>` or `ROW(name type, …)` in DDL and CAST, and field
 * access `col.field` on a ROW column (nexmark's `datagen` table: `bid.price`). A ROW value is an object
 * with its fields as properties under their declared names, or null: so a connector whose records are
 * already such objects (nexmark's events) hands them over without copying them into a new value.
 */
import type { Expr } from "../ast.js";
import type { Compiled, ScopeColumn } from "../compiler.js";
import { StreamSqlError } from "../errors.js";
import type { TokenStream } from "../tokenStream.js";
import type { SqlType } from "../types.js";

/** After `ROW`: `<a INT, b STRING>` or `(a INT, b STRING)`, each field optionally followed by a 'description' string, as Flink's grammar allows. */
export function parseRowType(s: TokenStream, parseType: (s: TokenStream) => SqlType): SqlType {
  s.expect("ROW");
  const close = s.accept("<") ? ">" : (s.expect("("), ")");
  const fields: { name: string; type: SqlType }[] = [];
  if (!s.is(close)) {
    do {
      const name = s.ident("a ROW field name");
      if (fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) throw s.error(`duplicate ROW field ${name}`);
      fields.push({ name, type: parseType(s) });
      if (s.peek.kind === "string") s.next();
    } while (s.accept(","));
  }
  s.expect(close);
  const type: SqlType = { name: "ROW", fields };
  if (s.accept("NOT", "NULL")) type.nullable = false;
  else s.accept("NULL");
  return type;
}

/**
 * `x.f` where no table or alias `x` is in scope but a ROW column `x` with field `f` is: Calcite resolves
 * the qualifier as a table first, then as a column (so `bid.price` reads column `bid` of `datagen`).
 * Undefined when `e` is not such an access (the caller reports the missing column).
 */
export function compileFieldAccess(e: Extract<Expr, { kind: "column" }>, scope: ScopeColumn[], read: (index: number) => string): Compiled | undefined {
  if (e.table === undefined) return undefined;
  const qualifier = e.table.toLowerCase();
  if (scope.some((c) => c.table?.toLowerCase() === qualifier)) return undefined;
  const rows = scope.filter((c) => c.name.toLowerCase() === qualifier && c.type.name === "ROW");
  if (rows.length === 0) return undefined;
  if (rows.length > 1) throw new StreamSqlError("validation", `Column '${e.table}' is ambiguous`, e.at, e.table);
  const column = rows[0] as ScopeColumn;
  const fields = column.type.fields ?? [];
  const index = fields.findIndex((f) => f.name.toLowerCase() === e.name.toLowerCase());
  if (index < 0) throw new StreamSqlError("validation", `Unknown field '${e.name}' in ROW column '${column.name}'`, e.at, e.name);
  const { rowtime: _rowtime, ...type } = (fields[index] as { type: SqlType }).type;
  const value = read(column.index);
  const field = (fields[index] as { name: string }).name;
  return { code: `(${value} === null ? null : ${value}[${JSON.stringify(field)}])`, type };
}
