/**
 * Processing-time temporal joins (lookup joins) against a CSV file, as nexmark's q13 joins bids to its
 * side input. Flink 1.20.1 serves a table declared with the legacy descriptor keys ('connector.type' =
 * 'filesystem', 'format.type' = 'csv') by its CsvTableSource, a lookup source: each order looks up the
 * file's rows with its key. The same file under the modern keys is no lookup source but a versioned
 * table, which needs a primary key first (temporalJoins.ts's temporal_proctime_rejected has one, and is
 * refused next for its processing time). The file is static, so the result does not depend on when rows arrive.
 * The ON key types as Flink checks them: a string against a number is refused; a number against a narrower
 * lookup column is compared after Calcite casts the column, which is then no lookup key (only a condition).
 */
import type { OracleCase } from "../cases.js";

/** Orders in no particular order; JPY has no rate, EUR two rows (a lookup returns both). */
const ORDERS_CSV = ["o1,2,EUR", "o2,1,USD", "o3,50,JPY", "o4,4,EUR", "o5,3,GBP", "o6,7,usd"].join("\n") + "\n";
const RATES_CSV = ["EUR,114,first", "USD,100,dollar", "EUR,116,second", "GBP,130,pound", "CHF,90,franc"].join("\n") + "\n";

const ORDERS = `CREATE TABLE orders (order_id STRING, amount BIGINT, currency STRING, p AS PROCTIME())
WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const LEGACY_RATES = `CREATE TABLE rates (currency STRING, rate BIGINT, note VARCHAR)
WITH ('connector.type' = 'filesystem', 'connector.path' = '{rates}', 'format.type' = 'csv');
`;
const MODERN_RATES = `CREATE TABLE rates (currency STRING, rate BIGINT, note VARCHAR)
WITH ('connector' = 'filesystem', 'path' = '{rates}', 'format' = 'csv');
`;

/** Rates with an INT rate (narrower than the orders' BIGINT amount). */
const INT_RATES = `CREATE TABLE rates (currency STRING, rate INT, note VARCHAR)
WITH ('connector.type' = 'filesystem', 'connector.path' = '{rates}', 'format.type' = 'csv');
`;

const files = { orders: ORDERS_CSV, rates: RATES_CSV };
/** Orders whose amount equals some rates: joined on the amount. */
const AMOUNT_FILES = { orders: ["o1,114,EUR", "o2,100,USD", "o3,90,EUR", "o4,130,GBP", "o5,7,CHF"].join("\n") + "\n", rates: RATES_CSV };
const joinOn = (on: string) => `SELECT o.order_id, r.currency, r.rate, r.note FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.p AS r ON ${on}`;
const c = (name: string, isDefault: boolean, ddl: string, query: string, extra: Partial<OracleCase> = {}): OracleCase => ({
  name,
  default: isDefault,
  sql: `${ddl}${query};\n`,
  files,
  appendOnly: true,
  ...extra,
});

export const LOOKUP_JOIN_CASES: OracleCase[] = [
  c("lookup_join_legacy_csv", true, `${ORDERS}${LEGACY_RATES}`, "SELECT o.order_id, o.amount, r.rate, r.note FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.p AS r ON o.currency = r.currency"),
  c("lookup_join_legacy_csv_left", false, `${ORDERS}${LEGACY_RATES}`, "SELECT o.order_id, r.currency, r.rate FROM orders o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.p AS r ON o.currency = r.currency"),
  // q13's shape: the left key an expression of the left row, in a subquery adding PROCTIME(); a condition beside the key.
  c(
    "lookup_join_legacy_csv_expression_key",
    false,
    `${ORDERS}${LEGACY_RATES}`,
    "SELECT B.order_id, S.rate FROM (SELECT *, PROCTIME() AS p_time FROM orders) B JOIN rates FOR SYSTEM_TIME AS OF B.p_time AS S ON UPPER(B.currency) = S.currency AND S.rate > B.amount * 30",
  ),
  c("legacy_csv_scan", false, LEGACY_RATES, "SELECT * FROM rates"),
  c("lookup_join_modern_csv_rejected", false, `${ORDERS}${MODERN_RATES}`, "SELECT o.order_id, r.rate FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.p AS r ON o.currency = r.currency", {
    error: /Temporal Table Join requires primary key in versioned table/,
  }),
  c("lookup_join_key_bigint_string_rejected", false, `${ORDERS}${LEGACY_RATES}`, joinOn("o.amount = r.currency"), {
    error: /implicit type conversion between BIGINT and VARCHAR(\(2147483647\))? is not supported on join's condition now/,
  }),
  c("lookup_join_key_string_bigint_rejected", false, `${ORDERS}${LEGACY_RATES}`, joinOn("o.currency = r.rate"), {
    error: /implicit type conversion between VARCHAR(\(2147483647\))? and BIGINT is not supported on join's condition now/,
  }),
  // r.rate is cast to BIGINT: no field of rates is left equal to the order.
  c("lookup_join_key_narrower_column_rejected", false, `${ORDERS}${INT_RATES}`, joinOn("o.amount = r.rate"), {
    files: AMOUNT_FILES,
    error: /Temporal table join requires an equality condition on fields of table/,
  }),
  // Beside a key of the same type, the cast equality is a condition on the looked-up rows.
  c("lookup_join_key_narrower_column_condition", false, `${ORDERS}${INT_RATES}`, joinOn("o.currency = r.currency AND o.amount = r.rate"), { files: AMOUNT_FILES }),
  // A narrower left side is cast up to the column's type: the column stays a key.
  c("lookup_join_key_wider_column", false, `${ORDERS}${LEGACY_RATES}`, joinOn("CAST(o.amount AS INT) = r.rate"), { files: AMOUNT_FILES }),
];
