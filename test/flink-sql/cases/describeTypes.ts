/**
 * Column types as Flink prints them (issue 18, session 9): DESCRIBE of views over window aggregates,
 * window TVFs, updating aggregates and MATCH_RECOGNIZE (its MATCH_PROCTIME() a TIMESTAMP_LTZ(3)
 * proctime attribute), compared on DESCRIBE's name, type and null columns (`columns: 3`; Flink adds
 * key and extras), in order; and MATCH_PROCTIME()'s rows with its clock value left out.
 * Run them with `node dist/test/flink-sql/run.js <name …>`.
 */
import type { OracleCase } from "../cases.js";

// cases.ts's orders table (not imported: cases.ts imports this file, so its constants are not yet set here).
const ORDERS_DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const STRICT_ORDERS_DDL = `CREATE TABLE strict_orders (id INT NOT NULL, name STRING, amount DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');\n`;
const describe = (name: string, isDefault: boolean, view: string, ddl = ORDERS_DDL, files?: Record<string, string>): OracleCase => ({
  name,
  default: isDefault,
  sql: `${ddl}CREATE VIEW v AS ${view};\nDESCRIBE v;\n`,
  columns: 3,
  exactChangelog: true,
  ...(files ? { files } : {}),
});

const TICKER_DDL = `CREATE TABLE Ticker (symbol STRING, rowtime TIMESTAMP(3), price BIGINT, WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{ticker}', 'format' = 'csv');
`;
const TICKER =
  [
    "ACME,2011-04-01 10:00:00,12",
    "ACME,2011-04-01 10:00:01,17",
    "BETA,2011-04-01 10:00:01,30",
    "ACME,2011-04-01 10:00:02,13",
    "ACME,2011-04-01 10:00:03,25",
    "BETA,2011-04-01 10:00:04,10",
    "BETA,2011-04-01 10:00:05,40",
  ].join("\n") + "\n";
/** A V shape per symbol (DOWN+ UP), ordered by a proctime attribute: rows are matched in the file's order. */
const proctimeMatch = (measures: string): string => `SELECT * FROM (SELECT symbol, rowtime, price, PROCTIME() AS pt FROM Ticker)
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY pt
        MEASURES ${measures}
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (DOWN+ UP)
        DEFINE DOWN AS DOWN.price < 20, UP AS UP.price >= 20
    ) MR`;

const TUMBLE = "TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))";

export const DESCRIBE_TYPE_CASES: OracleCase[] = [
  // MATCH_PROCTIME(): Flink's type for it, and the rows beside it (its value is the clock's).
  describe("describe_match_proctime", true, proctimeMatch("LAST(DOWN.price) AS bottom, UP.price AS up, COUNT(DOWN.price) AS n, MATCH_PROCTIME() AS matched_at"), TICKER_DDL, { ticker: TICKER }),
  {
    name: "match_proctime_rows",
    default: false,
    sql: `${TICKER_DDL}SELECT symbol, first_down, bottom, up, matched_at IS NOT NULL AS stamped FROM (${proctimeMatch("FIRST(DOWN.rowtime) AS first_down, LAST(DOWN.price) AS bottom, UP.price AS up, MATCH_PROCTIME() AS matched_at")});\n`,
    files: { ticker: TICKER },
  },
  // Ordered by the rowtime, MATCH_PROCTIME() is still the clock's proctime attribute.
  {
    name: "match_proctime_rowtime_order",
    default: false,
    sql: `${TICKER_DDL}SELECT symbol, bottom, up, mp IS NOT NULL AS stamped FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime MEASURES LAST(DOWN.price) AS bottom, UP.price AS up, MATCH_PROCTIME() AS mp AFTER MATCH SKIP PAST LAST ROW PATTERN (DOWN+ UP) DEFINE DOWN AS DOWN.price < 20, UP AS UP.price >= 20) MR;\n`,
    files: { ticker: TICKER },
  },
  describe(
    "describe_match_rowtime",
    false,
    `SELECT * FROM Ticker MATCH_RECOGNIZE (PARTITION BY symbol ORDER BY rowtime MEASURES FIRST(DOWN.price) AS top, COUNT(DOWN.price) AS n, MATCH_ROWTIME() AS mt ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW PATTERN (DOWN+ UP) DEFINE DOWN AS DOWN.price < 20, UP AS UP.price >= 20) MR`,
    TICKER_DDL,
    { ticker: TICKER },
  ),
  // Window aggregates: window_start/window_end NOT NULL, COUNT NOT NULL, the others nullable.
  describe(
    "describe_tumble_aggregate",
    true,
    `SELECT window_start, window_end, window_time, COUNT(*) AS c, COUNT(name) AS cn, SUM(amount) AS s, MIN(id) AS lo, AVG(amount) AS a, COUNT(DISTINCT name) AS d FROM ${TUMBLE} GROUP BY window_start, window_end, window_time`,
  ),
  describe(
    "describe_tumble_by_key",
    false,
    `SELECT name, window_start, COUNT(*) AS c, SUM(id) AS s, COUNT(*) * 2 AS c2, SUM(amount) / COUNT(*) AS avg2 FROM ${TUMBLE} GROUP BY window_start, window_end, name`,
  ),
  describe(
    "describe_hop_aggregate",
    false,
    "SELECT window_start, window_end, COUNT(*) AS c, MAX(amount) AS hi FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  ),
  describe(
    "describe_cumulate_aggregate",
    false,
    "SELECT window_start, window_end, SUM(amount) AS s, COUNT(*) AS c FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
  ),
  describe(
    "describe_session_aggregate",
    false,
    "SELECT name, window_start, window_end, COUNT(*) AS c FROM TABLE(SESSION(TABLE orders PARTITION BY name, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY name, window_start, window_end",
  ),
  describe("describe_window_tvf_rows", false, `SELECT id, name, window_start, window_end, window_time FROM ${TUMBLE}`),
  describe(
    "describe_legacy_group_window",
    false,
    "SELECT name, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '10' SECOND) AS we, COUNT(*) AS c FROM orders GROUP BY name, TUMBLE(ts, INTERVAL '10' SECOND)",
  ),
  // Updating aggregates: the group key nullable as its column, COUNT NOT NULL.
  describe("describe_group_aggregate", false, "SELECT name, COUNT(*) AS c, SUM(amount) AS s, MIN(id) + 1 AS lo1 FROM orders GROUP BY name"),
  describe("describe_global_aggregate", false, "SELECT COUNT(*) AS c, SUM(amount) AS s FROM orders"),
  // A NOT NULL column keeps it through a projection and an inner side, loses it on the side an outer join pads.
  describe("describe_outer_join_nullability", false, "SELECT a.id, a.id + 1 AS next_id, b.id AS bid, b.name FROM strict_orders a LEFT JOIN strict_orders b ON a.id + 1 = b.id", STRICT_ORDERS_DDL),
  // A non-windowed GROUP BY's key columns keep their types: TIMESTAMP(3) (was TIMESTAMP(6)), DECIMAL(10, 2), NOT NULL.
  // (On a rowtime key Flink's DESCRIBE still says *ROWTIME*, though it is no time attribute: windowOverChanges.ts.)
  describe(
    "describe_group_by_typed_keys",
    false,
    "SELECT id, amt, ts, COUNT(*) AS c FROM (SELECT id, CAST(amount AS DECIMAL(10, 2)) AS amt, ts FROM strict_orders) GROUP BY id, amt, ts",
    STRICT_ORDERS_DDL,
  ),
];
