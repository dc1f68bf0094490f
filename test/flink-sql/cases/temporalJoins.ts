/**
 * Temporal joins and window joins (issue 18, item 4) against Flink itself: event-time `FOR
 * SYSTEM_TIME AS OF` joins of orders with the currency rates valid at each order's time (Flink's
 * docs, joins.md "Event Time Temporal Join" and versioned_tables.md's deduplicating view), INNER and
 * LEFT, and the checks Flink's planner makes; window joins (window-join.md's examples and more),
 * whose append-only output is compared change by change. Both inputs are in event-time order within
 * their watermark delay: a row late on its own side would meet whatever state the other side's
 * watermark had left, which depends on how the two sources interleave.
 */
import type { OracleCase } from "../cases.js";
import { JOIN_ORDERS_CSV, SHIPMENTS_CSV } from "./joins.js";

/** Orders in time order: a rate changed before, at and after them; JPY never has one, GBP only later. */
export const RATE_ORDERS_CSV =
  [
    "o1,2.00,EUR,2024-01-01 10:15:00",
    "o2,1.00,USD,2024-01-01 10:30:00",
    "o3,50.00,JPY,2024-01-01 10:32:00",
    "o4,4.00,EUR,2024-01-01 10:45:00",
    "o5,3.00,EUR,2024-01-01 10:52:00",
    "o6,5.00,GBP,2024-01-01 11:00:00",
    "o7,6.00,EUR,2024-01-01 11:30:00",
    "o8,7.00,USD,2024-01-01 11:40:00",
    "o9,1.00,GBP,2024-01-01 11:41:00",
  ].join("\n") + "\n";

/** Rate changes in time order; EUR is corrected at 11:15 (the later row of the same time is the version). */
export const RATES_CSV =
  [
    "USD,1.00,2024-01-01 09:00:00",
    "EUR,1.14,2024-01-01 09:00:00",
    "EUR,1.16,2024-01-01 10:45:00",
    "EUR,1.19,2024-01-01 11:15:00",
    "EUR,1.20,2024-01-01 11:15:00",
    "GBP,1.30,2024-01-01 11:20:00",
    "USD,1.02,2024-01-01 11:45:00",
  ].join("\n") + "\n";

const ORDERS = `CREATE TABLE orders (order_id STRING, price DECIMAL(32, 2), currency STRING, order_time TIMESTAMP(3), WATERMARK FOR order_time AS order_time)
WITH ('connector' = 'filesystem', 'path' = '{rate_orders}', 'format' = 'csv');
`;
/** A versioned table: a primary key and a watermark (the docs read it from Kafka's debezium-json; a CSV here). */
const RATES = `CREATE TABLE currency_rates (currency STRING, conversion_rate DECIMAL(32, 2), update_time TIMESTAMP(3), WATERMARK FOR update_time AS update_time, PRIMARY KEY (currency) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '{rates}', 'format' = 'csv');
`;
/** The same history without a key, made a versioned view by keeping each currency's last row (versioned_tables.md). */
const RATES_HISTORY = `CREATE TABLE rates_history (currency STRING, rate DECIMAL(32, 2), currency_time TIMESTAMP(3), WATERMARK FOR currency_time AS currency_time)
WITH ('connector' = 'filesystem', 'path' = '{rates}', 'format' = 'csv');
CREATE VIEW versioned_rates AS
SELECT currency, rate, currency_time
  FROM (
      SELECT *,
      ROW_NUMBER() OVER (PARTITION BY currency
         ORDER BY currency_time DESC) AS rowNum
      FROM rates_history)
WHERE rowNum = 1;
`;

/** The orders with a processing-time attribute beside their rowtime. */
const PROC_ORDERS = `CREATE TABLE orders (order_id STRING, price DECIMAL(32, 2), currency STRING, order_time TIMESTAMP(3), proc_time AS PROCTIME(), WATERMARK FOR order_time AS order_time)
WITH ('connector' = 'filesystem', 'path' = '{rate_orders}', 'format' = 'csv');
`;

const files = { rate_orders: RATE_ORDERS_CSV, rates: RATES_CSV };
const t = (name: string, isDefault: boolean, ddl: string, query: string, extra: Partial<OracleCase> = {}): OracleCase => ({ name, default: isDefault, sql: `${ddl}${query};\n`, files, ...extra });

export const TEMPORAL_JOIN_CASES: OracleCase[] = [
  // joins.md, "Event Time Temporal Join", as written there.
  t(
    "temporal_docs_left",
    false,
    `${ORDERS}${RATES}`,
    `SELECT
     order_id,
     price,
     orders.currency,
     conversion_rate,
     order_time
FROM orders
LEFT JOIN currency_rates FOR SYSTEM_TIME AS OF orders.order_time
ON orders.currency = currency_rates.currency`,
  ),
  t(
    "temporal_inner_alias",
    false,
    `${ORDERS}${RATES}`,
    "SELECT o.order_id, o.price * r.conversion_rate AS converted, r.update_time FROM orders AS o JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency",
  ),
  t(
    "temporal_left_rest_condition",
    false,
    `${ORDERS}${RATES}`,
    "SELECT o.order_id, r.conversion_rate FROM orders o LEFT JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time r ON o.currency = r.currency AND r.conversion_rate > 1.15",
  ),
  // versioned_tables.md, "Versioned Views": a deduplicating view as the versioned table.
  t(
    "temporal_versioned_view",
    true,
    `${ORDERS}${RATES_HISTORY}`,
    `SELECT
  order_id,
  price,
  rate,
  price * rate AS converted
FROM orders AS o
JOIN versioned_rates FOR SYSTEM_TIME AS OF o.order_time AS r
ON o.currency = r.currency`,
  ),
  // The left rowtime stays a time attribute: a window over the join's result.
  t(
    "temporal_then_tumble",
    false,
    `${ORDERS}${RATES}CREATE VIEW converted AS SELECT o.order_time, o.price * r.conversion_rate AS amount FROM orders o JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time r ON o.currency = r.currency;
`,
    "SELECT window_start, window_end, COUNT(*) AS c, SUM(amount) AS total FROM TABLE(TUMBLE(TABLE converted, DESCRIPTOR(order_time), INTERVAL '30' MINUTES)) GROUP BY window_start, window_end",
  ),
  // What Flink's planner rejects.
  t("temporal_no_primary_key", false, `${ORDERS}${RATES_HISTORY}`, "SELECT o.order_id, r.rate FROM orders o JOIN rates_history FOR SYSTEM_TIME AS OF o.order_time r ON o.currency = r.currency", {
    error: /primary key/,
  }),
  t(
    "temporal_key_not_in_condition",
    false,
    `${ORDERS}${RATES}`,
    "SELECT o.order_id, r.conversion_rate FROM orders o JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time r ON o.price = r.conversion_rate",
    { error: /primary key/ },
  ),
  t("temporal_right_join", false, `${ORDERS}${RATES}`, "SELECT o.order_id, r.conversion_rate FROM orders o RIGHT JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time r ON o.currency = r.currency", {
    error: /join type RIGHT/,
  }),
  // PROCTIME(): the wall clock, so compared by shape only (set, later than every order's time, a
  // time attribute Flink and Sluice both refuse to temporal-join a table by: Flink needs a lookup source).
  t("proctime_column_shape", false, PROC_ORDERS, "SELECT order_id, proc_time IS NOT NULL AS has_time, proc_time > order_time AS later, CAST(proc_time AS STRING) > '2025' AS this_century FROM orders"),
  t(
    "temporal_proctime_rejected",
    false,
    `${PROC_ORDERS}${RATES}`,
    "SELECT o.order_id, r.conversion_rate FROM orders o JOIN currency_rates FOR SYSTEM_TIME AS OF o.proc_time r ON o.currency = r.currency",
    { error: /Processing-time temporal join is not supported yet/ },
  ),
];

/** The LeftTable and RightTable of Flink's window join docs (window-join.md), in order within their watermark delay. */
const WINDOW_JOIN_DDL = `CREATE TABLE LeftTable (row_time TIMESTAMP(3), num INT, id STRING, WATERMARK FOR row_time AS row_time - INTERVAL '5' MINUTE)
WITH ('connector' = 'filesystem', 'path' = '{left_table}', 'format' = 'csv');
CREATE TABLE RightTable (row_time TIMESTAMP(3), num INT, id STRING, WATERMARK FOR row_time AS row_time - INTERVAL '5' MINUTE)
WITH ('connector' = 'filesystem', 'path' = '{right_table}', 'format' = 'csv');
`;
const windowJoinFiles = {
  left_table: "2020-04-15 12:02:00,1,L1\n2020-04-15 12:06:00,2,L2\n2020-04-15 12:03:00,3,L3\n",
  right_table: "2020-04-15 12:01:00,2,R2\n2020-04-15 12:04:00,3,R3\n2020-04-15 12:05:00,4,R4\n",
};
/** A window join as Flink's docs write it (their FULL OUTER example, and the other types in the same shape). */
const docsWindowJoin = (name: string, isDefault: boolean, type: string): OracleCase => ({
  name,
  default: isDefault,
  files: windowJoinFiles,
  appendOnly: true,
  sql: `${WINDOW_JOIN_DDL}SELECT L.num as L_Num, L.id as L_Id, R.num as R_Num, R.id as R_Id,
COALESCE(L.window_start, R.window_start) as window_start,
COALESCE(L.window_end, R.window_end) as window_end
FROM (
    SELECT * FROM TABLE(TUMBLE(TABLE LeftTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
) L
${type} JOIN (
    SELECT * FROM TABLE(TUMBLE(TABLE RightTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
) R
ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end;
`,
});

const docsSemiAnti = (name: string, predicate: string): OracleCase => ({
  name,
  default: false,
  files: windowJoinFiles,
  appendOnly: true,
  sql: `${WINDOW_JOIN_DDL}SELECT *
FROM (
    SELECT * FROM TABLE(TUMBLE(TABLE LeftTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
) L WHERE ${predicate};
`,
});

/** Orders and shipments of joins.ts, windowed. */
const OS_DDL = `CREATE TABLE Orders (id INT, product STRING, amount INT, order_time TIMESTAMP(3), WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{orders_j}', 'format' = 'csv', 'csv.null-literal' = '');
CREATE TABLE Shipments (id INT, order_id INT, ship_time TIMESTAMP(3), WATERMARK FOR ship_time AS ship_time - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{shipments}', 'format' = 'csv');
`;
const w = (name: string, isDefault: boolean, query: string, extra: Partial<OracleCase> = {}): OracleCase => ({
  name,
  default: isDefault,
  sql: `${OS_DDL}${query};\n`,
  files: { orders_j: JOIN_ORDERS_CSV, shipments: SHIPMENTS_CSV },
  ...extra,
});
const tumbled = (table: string, time: string, size: string) => `(SELECT * FROM TABLE(TUMBLE(TABLE ${table}, DESCRIPTOR(${time}), INTERVAL ${size})))`;

export const WINDOW_JOIN_CASES: OracleCase[] = [
  docsWindowJoin("window_join_docs_full", false, "FULL"),
  docsWindowJoin("window_join_docs_inner", false, "INNER"),
  docsWindowJoin("window_join_docs_left", false, "LEFT"),
  docsWindowJoin("window_join_docs_right", false, "RIGHT"),
  // window-join.md's SEMI and ANTI examples, as written there.
  docsSemiAnti(
    "window_join_docs_semi_in",
    "L.num IN (\n  SELECT num FROM (\n    SELECT * FROM TABLE(TUMBLE(TABLE RightTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))\n  ) R WHERE L.window_start = R.window_start AND L.window_end = R.window_end)",
  ),
  docsSemiAnti(
    "window_join_docs_semi_exists",
    "EXISTS (\n  SELECT * FROM (\n    SELECT * FROM TABLE(TUMBLE(TABLE RightTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))\n  ) R WHERE L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end)",
  ),
  docsSemiAnti(
    "window_join_docs_anti_not_in",
    "L.num NOT IN (\n  SELECT num FROM (\n    SELECT * FROM TABLE(TUMBLE(TABLE RightTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))\n  ) R WHERE L.window_start = R.window_start AND L.window_end = R.window_end)",
  ),
  docsSemiAnti(
    "window_join_docs_anti_not_exists",
    "NOT EXISTS (\n  SELECT * FROM (\n    SELECT * FROM TABLE(TUMBLE(TABLE RightTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))\n  ) R WHERE L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end)",
  ),
  // NOT IN is null-aware: an order with a NULL product is never kept, nor any order of a window whose subquery gives a NULL.
  w(
    "window_join_anti_not_in_nulls",
    false,
    "SELECT o.id, o.window_start FROM (SELECT * FROM TABLE(TUMBLE(TABLE Orders, DESCRIPTOR(order_time), INTERVAL '30' SECOND))) o WHERE o.product NOT IN (SELECT CASE WHEN s.id = 105 THEN CAST(NULL AS STRING) ELSE 'plum' END FROM (SELECT * FROM TABLE(TUMBLE(TABLE Shipments, DESCRIPTOR(ship_time), INTERVAL '30' SECOND))) s WHERE o.window_start = s.window_start AND o.window_end = s.window_end AND s.id > 100)",
    { appendOnly: true },
  ),
  // No key but the window: every row on one key, so the order of the output is Flink's loop order.
  w(
    "window_join_keyless_full_exact",
    true,
    `SELECT o.id, s.id AS sid, o.window_start, s.window_end FROM ${tumbled("Orders", "order_time", "'30' SECOND")} o FULL JOIN ${tumbled("Shipments", "ship_time", "'30' SECOND")} s ON o.window_start = s.window_start AND o.window_end = s.window_end AND o.id >= s.order_id`,
    { exactChangelog: true },
  ),
  w(
    "window_join_hop_left",
    false,
    "SELECT o.id, s.id AS sid, o.window_start FROM TABLE(HOP(TABLE Orders, DESCRIPTOR(order_time), INTERVAL '10' SECOND, INTERVAL '20' SECOND)) o LEFT JOIN TABLE(HOP(TABLE Shipments, DESCRIPTOR(ship_time), INTERVAL '10' SECOND, INTERVAL '20' SECOND)) s ON o.id = s.order_id AND o.window_start = s.window_start AND o.window_end = s.window_end",
    { appendOnly: true },
  ),
  w(
    "window_join_cumulate_inner_rest",
    false,
    `SELECT o.id, s.id AS sid, o.window_start, o.window_end FROM (SELECT * FROM TABLE(CUMULATE(TABLE Orders, DESCRIPTOR(order_time), INTERVAL '15' SECOND, INTERVAL '45' SECOND))) o JOIN (SELECT * FROM TABLE(CUMULATE(TABLE Shipments, DESCRIPTOR(ship_time), INTERVAL '15' SECOND, INTERVAL '45' SECOND))) s ON o.id = s.order_id AND o.window_start = s.window_start AND o.window_end = s.window_end AND s.id > 100`,
    { appendOnly: true },
  ),
  // After a window aggregate on each side (window-join.md: a window join may follow one).
  w(
    "window_join_after_window_aggregates",
    false,
    `SELECT o.window_start, o.orders, s.shipments FROM (SELECT window_start, window_end, COUNT(*) AS orders FROM TABLE(TUMBLE(TABLE Orders, DESCRIPTOR(order_time), INTERVAL '20' SECOND)) GROUP BY window_start, window_end) o LEFT JOIN (SELECT window_start, window_end, COUNT(*) AS shipments FROM TABLE(TUMBLE(TABLE Shipments, DESCRIPTOR(ship_time), INTERVAL '20' SECOND)) GROUP BY window_start, window_end) s ON o.window_start = s.window_start AND o.window_end = s.window_end`,
    { exactChangelog: true },
  ),
  // The same with window_start/window_end renamed by AS (nexmark q8's shape): Flink still plans a window join, so the LEFT JOIN's changelog has no retractions.
  w(
    "window_join_renamed_window_bounds",
    false,
    `SELECT o.st, o.orders, s.shipments FROM (SELECT window_start AS st, window_end AS en, COUNT(*) AS orders FROM TABLE(TUMBLE(TABLE Orders, DESCRIPTOR(order_time), INTERVAL '20' SECOND)) GROUP BY window_start, window_end) o LEFT JOIN (SELECT window_start AS st, window_end AS en, COUNT(*) AS shipments FROM TABLE(TUMBLE(TABLE Shipments, DESCRIPTOR(ship_time), INTERVAL '20' SECOND)) GROUP BY window_start, window_end) s ON o.st = s.st AND o.en = s.en`,
    { exactChangelog: true },
  ),
  // Windows of different sizes: Flink plans a regular join (its window columns are then plain timestamps).
  w(
    "window_join_different_windows",
    false,
    `SELECT o.id, s.id FROM ${tumbled("Orders", "order_time", "'30' SECOND")} o JOIN ${tumbled("Shipments", "ship_time", "'20' SECOND")} s ON o.id = s.order_id AND o.window_start = s.window_start AND o.window_end = s.window_end`,
  ),
];
