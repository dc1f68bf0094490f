/**
 * Oracle cases of the dialect gaps that kept nexmark q9, q11 and q15–q17 out (session 8): aggregate
 * FILTER (WHERE …), GROUP BY expressions and DATE_FORMAT, `SELECT t.*`, legacy group windows
 * (GROUP BY TUMBLE/HOP/SESSION(…) with their _START/_END/_ROWTIME), each run by Flink 1.20.1 and by
 * Sluice (oracle.ts). Run them with `node dist/test/flink-sql/run.js <name …>`.
 */
import type { OracleCase } from "../cases.js";

// cases.ts's orders table (not imported: cases.ts imports this file, so its constants are not yet set here).
const ORDERS_DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;

const COUNT1_BUG = "COUNT(*) FILTER (WHERE …) becomes the row counter count1 and loses its filter (no JIRA found; EXPLAIN shows COUNT(*) FILTER $f2 AS count1$0)";
const c = (name: string, isDefault: boolean, query: string, extra = ""): OracleCase => ({ name, default: isDefault, sql: `${ORDERS_DDL}${extra}${query};\n` });
const fails = (name: string, query: string, error: RegExp): OracleCase => ({ ...c(name, false, query), error });

const PER_NAME = "(SELECT name, COUNT(*) AS c FROM orders GROUP BY name)";

export const DIALECT_GAP_CASES: OracleCase[] = [
  // A group whose rows all fail a filter: COUNT 0, SUM/MIN/AVG NULL; DISTINCT counts only rows passing it.
  c(
    "filter_group",
    true,
    "SELECT name, COUNT(*) AS n, COUNT(*) FILTER (WHERE amount > 5) AS big, SUM(amount) FILTER (WHERE id > 3) AS s, MIN(id) FILTER (WHERE amount < 5) AS lo, AVG(amount) FILTER (WHERE amount > 100) AS nothing, COUNT(DISTINCT name) FILTER (WHERE id > 4) AS d FROM orders GROUP BY name",
  ),
  c(
    "filter_global_distinct",
    false,
    "SELECT COUNT(DISTINCT name) FILTER (WHERE amount < 10) AS small_names, COUNT(DISTINCT name) FILTER (WHERE amount >= 10) AS big_names, COUNT(DISTINCT name) AS names, MAX(amount) FILTER (WHERE name LIKE '%a%') AS hi FROM orders",
  ),
  // Over an updating input a filtered value is retracted only if it had been counted.
  c("filter_over_updating", false, `SELECT COUNT(c) FILTER (WHERE c > 1) AS multi, MAX(c) FILTER (WHERE c < 3) AS hi, SUM(c) FILTER (WHERE name <> 'alice') AS s FROM ${PER_NAME}`),
  /*
   * Two cases that differ because of Flink 1.20.1, kept as its bug (no JIRA found): where an aggregate
   * keeps a row counter (count1: a window aggregate, or any aggregate over an updating input), Flink
   * computes a `COUNT(*) FILTER (WHERE …)` as that counter and drops its filter, even beside an
   * unfiltered COUNT(*) — EXPLAIN shows `COUNT(*) FILTER $f2 AS count1$0` locally, then
   * `COUNT(count1$0) AS big`. Flink counts both rows of window [0 s, 10 s) and all 5 names; Sluice the
   * rows that pass (1 and 4), as the SQL standard and Flink's own GROUP BY over an append-only input do
   * (filter_group; nexmark q15–q17). In the window a COUNT(DISTINCT …) sharing that filter is off too.
   * COUNT(col), SUM, MIN, MAX and AVG with FILTER agree everywhere (filter_tumble, filter_over_updating).
   */
  { ...c("flink_bug_count_star_filter_updating", false, `SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE c > 1) AS multi FROM ${PER_NAME}`), flinkBug: COUNT1_BUG },
  {
    ...c(
      "flink_bug_count_filter_tumble",
      false,
      "SELECT window_start, COUNT(*) AS n, COUNT(*) FILTER (WHERE amount > 5) AS big, COUNT(DISTINCT name) FILTER (WHERE amount > 5) AS names FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
    ),
    flinkBug: COUNT1_BUG,
  },
  c(
    "filter_tumble",
    false,
    "SELECT window_start, COUNT(amount) FILTER (WHERE amount > 5) AS a, SUM(amount) FILTER (WHERE amount > 5) AS b, MAX(id) FILTER (WHERE amount > 5) AS hi, COUNT(DISTINCT name) FILTER (WHERE id > 1) AS d, SUM(amount) FILTER (WHERE id < 0) AS nothing FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  ),
  c(
    "filter_session_merge",
    false,
    "SELECT window_start, window_end, COUNT(DISTINCT name) FILTER (WHERE amount > 5) AS names, COUNT(*) FILTER (WHERE id > 6) AS late FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end",
  ),
  fails("filter_on_scalar", "SELECT UPPER(name) FILTER (WHERE id > 1) AS u FROM orders", /FILTER/i),
  c(
    "group_by_expression",
    false,
    "SELECT DATE_FORMAT(ts, 'HH:mm') AS m, MOD(id, 2) AS odd, COUNT(*) AS c, MAX(DATE_FORMAT(ts, 'ss.SSS')) AS last_s FROM orders GROUP BY DATE_FORMAT(ts, 'HH:mm'), MOD(id, 2) HAVING COUNT(*) > 1",
  ),
  c("date_format", false, "SELECT id, DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss.SSS') AS full_ts, DATE_FORMAT(ts, 'yy/M/d H''h'' m:s.S') AS short_ts, DATE_FORMAT(ts, 'yyyyMMdd') AS d FROM orders"),
  c("table_star", false, "SELECT o.*, o.id * 2 AS twice FROM orders AS o WHERE o.amount > 5"),
  // `a.*` over a join: only a's columns, named as Flink names them beside b's.
  c("table_star_join", false, "SELECT b.*, a.name AS before_name FROM orders a, orders b WHERE a.id + 1 = b.id"),
  c(
    "table_star_top1",
    false,
    "SELECT id, name, amount, before_name FROM (SELECT b.*, a.name AS before_name, ROW_NUMBER() OVER (PARTITION BY b.name ORDER BY b.amount DESC) AS rn FROM orders a, orders b WHERE a.id + 1 = b.id) WHERE rn <= 1",
  ),
  c(
    "legacy_tumble",
    true,
    "SELECT name, COUNT(*) AS c, SUM(amount) AS s, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '10' SECOND) AS we FROM orders GROUP BY name, TUMBLE(ts, INTERVAL '10' SECOND)",
  ),
  c(
    "legacy_hop_having",
    false,
    "SELECT HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND) AS ws, HOP_END(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND) AS we, COUNT(*) AS c, MAX(amount) AS hi FROM orders GROUP BY HOP(ts, INTERVAL '5' SECOND, INTERVAL '15' SECOND) HAVING COUNT(*) > 2",
  ),
  c(
    "legacy_session",
    false,
    "SELECT o.name, COUNT(*) AS c, SESSION_START(o.ts, INTERVAL '5' SECOND) AS s, SESSION_END(o.ts, INTERVAL '5' SECOND) AS e FROM orders o GROUP BY o.name, SESSION(o.ts, INTERVAL '5' SECOND)",
  ),
  // TUMBLE_ROWTIME is a time attribute: a second window aggregate can group on it.
  c(
    "legacy_rowtime_cascade",
    false,
    "SELECT TUMBLE_START(rt, INTERVAL '20' SECOND) AS ws, COUNT(*) AS n_groups, SUM(c) AS c FROM (SELECT name, COUNT(*) AS c, TUMBLE_ROWTIME(ts, INTERVAL '10' SECOND) AS rt FROM orders GROUP BY name, TUMBLE(ts, INTERVAL '10' SECOND)) GROUP BY TUMBLE(rt, INTERVAL '20' SECOND)",
  ),
  // ORDER BY / LIMIT as Flink's streaming planner allows them; the order itself is compared (exactChangelog).
  { ...c("order_by_rowtime", false, "SELECT id, name, ts FROM orders ORDER BY ts"), exactChangelog: true },
  { ...c("order_by_rowtime_then_keys", false, "SELECT name, amount, ts FROM orders WHERE id <> 4 ORDER BY ts, name DESC, amount"), exactChangelog: true },
  { ...c("limit_only", false, "SELECT id, name FROM orders WHERE amount > 3 LIMIT 4"), exactChangelog: true },
  { ...c("order_by_limit_top_n", false, "SELECT name, amount AS a FROM orders ORDER BY a DESC LIMIT 3"), exactChangelog: true },
  c("order_by_rowtime_limit", false, "SELECT * FROM orders ORDER BY ts, id DESC LIMIT 2"),
  c("fetch_first", false, "SELECT id FROM orders ORDER BY amount FETCH FIRST 2 ROWS ONLY"),
  fails("order_by_non_time", "SELECT id, name FROM orders ORDER BY name", /Sort on a non-time-attribute field is not supported/),
  fails("order_by_rowtime_desc", "SELECT id FROM orders ORDER BY ts DESC", /Sort on a non-time-attribute field is not supported|time attribute descending/),
];
