import type { OracleCase } from "../cases.js";

/**
 * What Flink 1.20.1 does with mixed types and division by zero (review findings of session 6):
 * mostly errors, which both sides must raise in Flink's words (`error`); DOUBLE / 0 is Infinity on both.
 */
const DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const t = (name: string, query: string, error?: RegExp): OracleCase => ({ name, default: false, sql: `${DDL}${query};\n`, ...(error ? { error } : {}) });

export const TYPE_CHECK_CASES: OracleCase[] = [
  { ...t("types_int_eq_string_literal", "SELECT id FROM orders WHERE id = '5'", /implicit type conversion between INTEGER and CHAR is not supported now/), default: true },
  t("types_string_eq_int", "SELECT id FROM orders WHERE name = 5", /implicit type conversion between VARCHAR and INTEGER is not supported now/),
  t("types_string_lt_int_column", "SELECT id FROM orders WHERE name < id", /For input string: 'alice'/),
  t("types_timestamp_eq_int", "SELECT id FROM orders WHERE ts = 5", /Cannot apply '=' to arguments of type '<TIMESTAMP\(3\)> = <INTEGER>'/),
  t("types_boolean_eq_int", "SELECT id FROM orders WHERE (id > 3) = 1", /Cannot apply '=' to arguments of type '<BOOLEAN> = <INTEGER>'/),
  t("types_union_string_int", "SELECT name FROM orders UNION ALL SELECT id FROM orders", /Type mismatch in column 1 of UNION ALL/),
  t("types_union_string_timestamp", "SELECT name FROM orders UNION ALL SELECT ts FROM orders", /Type mismatch in column 1 of UNION ALL/),
  { ...t("types_int_div_zero", "SELECT id, id / 0 AS d FROM orders WHERE id < 3", /\/ by zero/), default: true },
  t("types_int_mod_zero", "SELECT id, MOD(id, 0) AS d FROM orders WHERE id < 3", /\/ by zero/),
  t("types_double_div_zero", "SELECT id, amount / 0 AS d FROM orders WHERE id < 3"),
];
