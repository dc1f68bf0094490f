/**
 * Top-N over an updating input (issue 18, session 9): ROW_NUMBER() … WHERE rn <= N, and ORDER BY …
 * LIMIT [OFFSET], over a non-windowed GROUP BY or a join's changelog, as Flink 1.20.1 plans them
 * (RetractableTopNFunction, or UpdatableTopNFunction where the input's unique key holds the partition
 * key and the sort key is monotonic); rank ranges with a start, NULLS FIRST/LAST. Folded tables are
 * compared; `exactChangelog` where Flink takes the retract strategy, which Sluice follows change by change.
 * Run them with `node dist/test/flink-sql/run.js <name …>`.
 */
import type { OracleCase } from "../cases.js";

// cases.ts's orders table (not imported: cases.ts imports this file, so its constants are not yet set here).
const ORDERS_DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const SPARSE_DDL = `CREATE TABLE sparse (id INT, tag STRING, v DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{sparse}', 'format' = 'csv', 'csv.null-literal' = '');
`;
const c = (name: string, isDefault: boolean, query: string, exact = false): OracleCase => ({ name, default: isDefault, sql: `${ORDERS_DDL}${query};\n`, ...(exact ? { exactChangelog: true } : {}) });
const sparse = (name: string, query: string): OracleCase => ({ name, default: false, sql: `${SPARSE_DDL}${query};\n`, exactChangelog: true });

/** Running sums per name: dave's goes down (-2.5), so SUM is not monotonic and Flink retracts. */
const SUMS = "(SELECT name, SUM(amount) AS s, COUNT(*) AS c FROM orders GROUP BY name)";
const POSITIVE_SUMS = "(SELECT name, SUM(amount) AS s FROM orders WHERE amount > 0 GROUP BY name)";

/**
 * Flink 1.20.1's RetractableTopNFunction with a rank range starting after 1 and the rank not shown
 * (BETWEEN, LIMIT … OFFSET over an updating input): its -U/+U output sets the row kind on the row it
 * keeps in state (createOutputRow returns the stored row itself), so a later retraction of that row
 * no longer equals it (the record equaliser compares the kind), is not found, sends nothing, and the
 * row stays: Flink retracts rows it no longer holds and its changelog does not fold (-U of a row not
 * in the table). FLINK-27418 fixed the same for the -D path (it copies the row first), not this one;
 * no JIRA found for it. Sluice's changelog is Flink's with those retractions sent (its rank-shown
 * sibling updating_topn_rank_range matches Flink change for change).
 */
const OFFSET_BUG =
  "RetractableTopNFunction without the rank shown and a range after 1 keeps the -U/+U row kind on its state rows, so later retractions of them are lost (no JIRA found; FLINK-27418 fixed the -D path only)";

export const UPDATING_TOP_N_CASES: OracleCase[] = [
  c("updating_topn_sum_rownum", true, `SELECT * FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${SUMS}) WHERE rn <= 3`, true),
  c("updating_topn_sum_no_rownum", false, `SELECT name, s FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${SUMS}) WHERE rn <= 2`, true),
  // A running COUNT only grows: Flink's UpdatableTopNFunction ("top pages by running count"), engine/src/sql/rank/updatableTopN.ts.
  c("updating_topn_running_count", false, `SELECT * FROM (SELECT name, c, ROW_NUMBER() OVER (ORDER BY c DESC, name) AS rn FROM ${SUMS}) WHERE rn <= 3`, true),
  // A SUM of values a WHERE keeps positive only grows too (Flink reads the bound from the filter); bob's 30.0 jumps him from 4th to 1st.
  c("updating_topn_positive_sum", false, `SELECT * FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${POSITIVE_SUMS}) WHERE rn <= 3`, true),
  c("updating_topn_positive_sum_no_rownum", false, `SELECT name, s FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${POSITIVE_SUMS}) WHERE rn <= 2`, true),
  // Partitioned by a column of the unique key, ties in the count (kept in arrival order).
  c(
    "updating_topn_count_partitioned",
    false,
    "SELECT * FROM (SELECT len, name, c, ROW_NUMBER() OVER (PARTITION BY len ORDER BY c DESC) AS rn FROM (SELECT CHAR_LENGTH(name) AS len, name, COUNT(*) AS c FROM orders GROUP BY CHAR_LENGTH(name), name)) WHERE rn <= 1",
    true,
  ),
  c("updating_order_by_count_limit", false, "SELECT name, COUNT(*) AS c FROM orders GROUP BY name ORDER BY c DESC LIMIT 2", true),
  // HAVING on an aggregate: Flink's filter asks its input for -U too (FLINK-9528), so the retract strategy again.
  c("updating_order_by_count_having_limit", false, "SELECT name, COUNT(*) AS c FROM orders GROUP BY name HAVING COUNT(*) > 1 ORDER BY c DESC LIMIT 2", true),
  // A filter on the unique key alone keeps UpdatableTopN.
  c(
    "updating_topn_count_key_filter",
    false,
    "SELECT * FROM (SELECT name, c, ROW_NUMBER() OVER (ORDER BY c DESC, name) AS rn FROM (SELECT name, COUNT(*) AS c FROM orders GROUP BY name) WHERE name <> 'bob') WHERE rn <= 2",
    true,
  ),
  c("updating_order_by_min_limit", false, "SELECT name, MIN(amount) AS lo FROM orders GROUP BY name ORDER BY lo ASC LIMIT 2", true),
  c("updating_order_by_max_limit_offset", false, "SELECT name, MAX(amount) AS hi FROM orders GROUP BY name ORDER BY hi DESC LIMIT 2 OFFSET 1", true),
  c(
    "updating_topn_partitioned",
    false,
    "SELECT k, name, s, rn FROM (SELECT k, name, s, ROW_NUMBER() OVER (PARTITION BY k ORDER BY s ASC) AS rn FROM (SELECT MOD(id, 2) AS k, name, SUM(amount) AS s FROM orders GROUP BY MOD(id, 2), name)) WHERE rn <= 2",
    true,
  ),
  // The partition key (the count) is not in the input's unique key (name): a row moves between partitions.
  c("updating_top1_moving_partition", false, `SELECT c, name, s FROM (SELECT c, name, s, ROW_NUMBER() OVER (PARTITION BY c ORDER BY s DESC) AS rn FROM ${SUMS}) WHERE rn = 1`, true),
  c("updating_topn_rank_range", false, `SELECT * FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${SUMS}) WHERE rn > 1 AND rn <= 3`, true),
  { ...c("updating_topn_between", false, `SELECT name, s FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${SUMS}) WHERE rn BETWEEN 2 AND 3`), flinkBug: OFFSET_BUG },
  // Over a LEFT JOIN's changelog (no unique key): a late right row retracts the padded one.
  c(
    "updating_topn_over_join",
    false,
    "SELECT * FROM (SELECT a.id, b.name AS next_name, ROW_NUMBER() OVER (PARTITION BY a.name ORDER BY a.amount DESC) AS rn FROM orders a LEFT JOIN orders b ON a.id + 1 = b.id AND b.amount > 5) WHERE rn <= 2",
  ),
  // ROW_NUMBER() beside the GROUP BY it ranks, ordered by an aggregate (planned as the aggregate, then the Top-N over it).
  c("grouped_topn_same_select", false, "SELECT * FROM (SELECT name, SUM(amount) AS s, ROW_NUMBER() OVER (ORDER BY SUM(amount) DESC) AS rn FROM orders GROUP BY name) WHERE rn <= 3", true),
  c(
    "grouped_topn_hidden_key",
    false,
    "SELECT * FROM (SELECT name, COUNT(*) AS c, ROW_NUMBER() OVER (PARTITION BY COUNT(*) ORDER BY MAX(amount) DESC) AS rn FROM orders GROUP BY name) WHERE rn <= 1",
    true,
  ),
  c(
    "grouped_window_topn_same_select",
    false,
    "SELECT * FROM (SELECT window_start, window_end, name, SUM(amount) AS s, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY SUM(amount) DESC) AS rn FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name) WHERE rn <= 2",
  ),
  // ORDER BY … LIMIT over an updating result: a Top-N without PARTITION BY.
  c("updating_order_by_limit", false, "SELECT name, SUM(amount) AS s FROM orders GROUP BY name ORDER BY s DESC LIMIT 2", true),
  { ...c("updating_order_by_limit_offset", false, "SELECT name, SUM(amount) AS s FROM orders GROUP BY name ORDER BY s DESC LIMIT 2 OFFSET 1"), flinkBug: OFFSET_BUG },
  c("order_by_limit_offset", false, "SELECT id, amount FROM orders ORDER BY amount DESC LIMIT 3 OFFSET 2", true),
  c("append_topn_rank_range", false, "SELECT * FROM (SELECT id, name, amount, ROW_NUMBER() OVER (PARTITION BY name ORDER BY amount DESC) AS rn FROM orders) WHERE rn >= 2 AND rn < 4", true),
  // NULLS FIRST/LAST (Flink's default: NULL lowest, first ascending, last descending).
  sparse("topn_nulls_first_desc", "SELECT * FROM (SELECT id, v, ROW_NUMBER() OVER (ORDER BY v DESC NULLS FIRST) AS rn FROM sparse) WHERE rn <= 2"),
  sparse("topn_nulls_last_asc", "SELECT * FROM (SELECT id, v, ROW_NUMBER() OVER (ORDER BY v ASC NULLS LAST, id DESC) AS rn FROM sparse) WHERE rn <= 3"),
  sparse("order_by_limit_nulls_last", "SELECT id, tag FROM sparse ORDER BY tag NULLS LAST, id LIMIT 2"),
];
