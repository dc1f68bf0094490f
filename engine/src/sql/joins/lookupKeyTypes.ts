import type { Expr } from "../ast.js";
import { ExprCompiler, type ScopeColumn } from "../compiler.js";
import { StreamSqlError } from "../errors.js";
import { isNumeric, type SqlType } from "../types.js";
import { comparison, flinkTypeName } from "../validation/typeRules.js";

const WIDENING = ["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"];

/**
 * The lookup keys of a lookup join's ON (left expression = right column), checked as Flink 1.20.1
 * plans them (test/flink-sql/cases/lookupJoins.ts): a string against a number is refused ("implicit
 * type conversion … on join's condition"), other mixed families by Calcite's "Cannot apply"; a number
 * against a narrower right column is compared after Calcite casts that column up, which is then no
 * field of the lookup table but an expression: no lookup key, only a condition on the joined row.
 * Returns the keys that stay keys and the equalities moved to the condition.
 */
export function lookupKeys(
  keys: { left: Expr; right: Expr }[],
  rightColumns: (ScopeColumn | undefined)[],
  leftScope: ScopeColumn[],
): { keys: { left: Expr; right: Expr; column: ScopeColumn }[]; conditions: Expr[] } {
  const kept: { left: Expr; right: Expr; column: ScopeColumn }[] = [];
  const conditions: Expr[] = [];
  keys.forEach((k, i) => {
    const column = rightColumns[i] as ScopeColumn;
    const left = new ExprCompiler(leftScope).compile(k.left);
    const where = k.left.at;
    if (isString(left.type) !== isString(column.type) && (isNumeric(left.type) || isNumeric(column.type)) && left.type.name !== "NULL")
      throw new StreamSqlError("validation", `implicit type conversion between ${flinkTypeName(left.type)} and ${flinkTypeName(column.type)} is not supported on join's condition now`, where, "=");
    // Any other pair of families Calcite cannot compare: its own message.
    comparison("=", { code: "", type: left.type, literal: k.left.kind === "literal" }, { code: "", type: column.type, literal: false }, where);
    if (isNumeric(left.type) && isNumeric(column.type) && WIDENING.indexOf(column.type.name) < WIDENING.indexOf(left.type.name))
      conditions.push({ kind: "binary", op: "=", left: k.left, right: k.right, at: where });
    else kept.push({ ...k, column });
  });
  return { keys: kept, conditions };
}

function isString(t: SqlType): boolean {
  return t.name === "STRING";
}
