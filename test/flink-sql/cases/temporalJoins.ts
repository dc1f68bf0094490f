/**
 * Temporal joins (issue 18, item 4) against Flink itself: event-time `FOR SYSTEM_TIME AS OF` joins of
 * orders with the currency rates valid at each order's time (Flink's docs, joins.md "Event Time
 * Temporal Join" and versioned_tables.md's deduplicating view), INNER and LEFT, and the checks
 * Flink's planner makes. Both inputs are in event-time order within their watermark delay: a row
 * late on its own side would be joined against whatever versions the watermark had left, which
 * depends on how the two sources interleave.
 */
import type { OracleCase } from "../cases.js";

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

const files = { rate_orders: RATE_ORDERS_CSV, rates: RATES_CSV };
const t = (name: string, isDefault: boolean, ddl: string, query: string, extra: Partial<OracleCase> = {}): OracleCase => ({ name, default: isDefault, sql: `${ddl}${query};\n`, files, ...extra });

export const TEMPORAL_JOIN_CASES: OracleCase[] = [
  // joins.md, "Event Time Temporal Join", as written there.
  t(
    "temporal_docs_left",
    true,
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
  t(
    "temporal_no_primary_key",
    false,
    `${ORDERS}${RATES_HISTORY}`,
    "SELECT o.order_id, r.rate FROM orders o JOIN rates_history FOR SYSTEM_TIME AS OF o.order_time r ON o.currency = r.currency",
    { error: /primary key/ },
  ),
  t(
    "temporal_key_not_in_condition",
    false,
    `${ORDERS}${RATES}`,
    "SELECT o.order_id, r.conversion_rate FROM orders o JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time r ON o.price = r.conversion_rate",
    { error: /primary key/ },
  ),
  t(
    "temporal_right_join",
    false,
    `${ORDERS}${RATES}`,
    "SELECT o.order_id, r.conversion_rate FROM orders o RIGHT JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time r ON o.currency = r.currency",
    { error: /join type RIGHT/ },
  ),
];
