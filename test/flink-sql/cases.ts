import { TYPE_CHECK_CASES } from "./cases/typeChecks.js";
import { CELL_CASES } from "./cases/cell.js";
import { DIALECT_GAP_CASES } from "./cases/dialectGaps.js";
import { CASCADED_WINDOW_CASES } from "./cases/cascadedWindows.js";
import { PLAN_PARITY_CASES } from "./cases/planParity.js";
import { miniBatchCases } from "./cases/miniBatch.js";

import { WINDOW_TOP_CASES } from "./cases/windowTop.js";
import { WINDOW_GROUP_JOIN_CASES } from "./cases/windowGroupJoin.js";
import { WINDOW_MAX_JOIN_CASES } from "./cases/windowMaxJoin.js";

/**
 * Conformance cases for `%%ssql`: the same SQL text run by Sluice and by Flink's SQL engine
 * (oracle.ts). `{orders}` and `{sparse}` in a case are replaced by the paths of the shared CSV inputs. The first
 * `default` cases run in CI (oracle.test.ts); all of them with `node dist/test/flink-sql/run.js`.
 */
import { JOIN_CASES } from "./cases/joins.js";
import { JOIN_GROUP_AGGREGATE_CASES } from "./cases/joinGroupAggregate.js";
import { TEMPORAL_JOIN_CASES, WINDOW_JOIN_CASES } from "./cases/temporalJoins.js";
import { LOOKUP_JOIN_CASES } from "./cases/lookupJoins.js";

export interface OracleCase {
  name: string;
  /** In the default suite (CI). */
  default: boolean;
  /** Statements separated by `;` at a line end; the last one is the query compared. */
  sql: string;
  /** Both sides must fail, each with a message matching this (Flink's words), instead of giving rows. */
  error?: RegExp;
  /** Inputs of this case: `{name}` in `sql` is replaced by the path of a file holding the text. */
  files?: Record<string, string>;
  /**
   * Output directories: `{name}` in `sql` is replaced by a directory of each side's own, the last
   * statement is an INSERT (into a filesystem table there), and what is compared is the lines of the
   * visible files each side wrote, per partition directory, as multisets.
   */
  sinks?: string[];
  /** Compare the changelogs themselves (kinds and order), not only the tables they fold to. */
  exactChangelog?: boolean;
  /** Compare only each row's first N columns (DESCRIBE: name, type, null — Flink adds key and extras, Sluice a watermark). */
  columns?: number;
  /** Both changelogs must be inserts only (an append-only result), where their order across keys may differ (timers of one time fire in no fixed key order). */
  appendOnly?: boolean;
  /**
   * Sluice differs on purpose: Flink's result is wrong here (the reason, with the JIRA if one exists).
   * The case passes while the two differ and fails once they agree (the mark is then stale).
   */
  flinkBug?: string;
}

import { OVER_CASES } from "./cases/over.js";
import { MATCH_RECOGNIZE_CASES } from "./cases/matchRecognize.js";
import { UPDATING_TOP_N_CASES } from "./cases/updatingTopN.js";
import { DESCRIBE_TYPE_CASES } from "./cases/describeTypes.js";
import { FILESYSTEM_SINK_CASES } from "./cases/filesystemSink.js";
import { FUNCTION_CASES } from "./cases/functions.js";
import { PARALLEL_SCAN_CASES } from "./cases/parallelScan.js";
import { FORMAT_STRICTNESS_CASES } from "./cases/formatStrictness.js";
import { IGNORE_PARSE_ERROR_CASES } from "./cases/ignoreParseErrors.js";
import { WINDOW_OVER_CHANGES_CASES } from "./cases/windowOverChanges.js";
import { NULL_ROWTIME_CASES } from "./cases/nullRowtime.js";

/**
 * Orders over 40 s of event time, with repeated names. The last two (30 s, 31 s) arrive after 38.999 s,
 * later than the watermark's 2 s bound: windows that already fired drop them, later ones count them.
 * That is deterministic because Flink SQL's watermark assigner sends a watermark on at the record
 * that moves it more than 200 ms (pipeline.auto-watermark-interval) of event time, and Sluice's SQL
 * scan does the same (engine/src/sql/watermarks.ts), not on a processing-time timer.
 */
export const ORDERS_CSV =
  [
    "1,alice,10.5,2024-01-01 00:00:01.000",
    "2,bob,3.25,2024-01-01 00:00:04.000",
    "3,alice,7.0,2024-01-01 00:00:12.000",
    "4,carol,20.0,2024-01-01 00:00:10.500",
    "5,bob,1.5,2024-01-01 00:00:15.000",
    "6,dave,12.75,2024-01-01 00:00:21.000",
    "7,alice,0.5,2024-01-01 00:00:19.000",
    "8,carol,8.0,2024-01-01 00:00:27.000",
    "9,bob,30.0,2024-01-01 00:00:33.000",
    "10,erin,4.0,2024-01-01 00:00:38.999",
    "11,alice,9.0,2024-01-01 00:00:30.000",
    "12,dave,-2.5,2024-01-01 00:00:31.000",
  ].join("\n") + "\n";

/** Missing fields: how each side reads them (NULL for numbers) and carries NULL through expressions. */
export const SPARSE_CSV = "1,,\n2,x,\n3,,4.5\n4,y,-1.0\n";

/** The Bid table of Flink's window TVF docs (docs/dev/table/sql/queries/window-tvf.md), for its examples verbatim. */
export const BID_CSV =
  ["2020-04-15 08:05:00,4.00,C", "2020-04-15 08:07:00,2.00,A", "2020-04-15 08:09:00,5.00,D", "2020-04-15 08:11:00,3.00,B", "2020-04-15 08:13:00,1.00,E", "2020-04-15 08:17:00,6.00,F"].join("\n") +
  "\n";

const BID_DDL = `CREATE TABLE Bid (bidtime TIMESTAMP(3), price DECIMAL(10, 2), item STRING, WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '{bid}', 'format' = 'csv');
`;
const docs = (name: string, query: string): OracleCase => ({ name, default: false, sql: `${BID_DDL}${query};\n` });

const SPARSE_DDL = `CREATE TABLE sparse (id INT, tag STRING, v DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{sparse}', 'format' = 'csv', 'csv.null-literal' = '');
`;

const ORDERS_DDL = `CREATE TABLE orders (
  id INT,
  name STRING,
  amount DOUBLE,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '{orders}',
  'format' = 'csv'
);
`;

const c = (name: string, isDefault: boolean, query: string, extra = ""): OracleCase => ({ name, default: isDefault, sql: `${ORDERS_DDL}${extra}${query};\n` });

export const CASES: OracleCase[] = [
  c("projection_filter", true, "SELECT id, UPPER(name) AS n, amount * 2 AS a2 FROM orders WHERE amount > 5"),
  c("case_cast_concat", true, "SELECT id, CASE WHEN amount > 10 THEN 'big' WHEN amount > 3 THEN 'mid' ELSE 'small' END AS size, CAST(id AS STRING) || '-' || name AS tag FROM orders"),
  c("union_all", true, "SELECT id, name FROM orders WHERE id < 3 UNION ALL SELECT id + 100, LOWER(name) FROM orders WHERE amount > 20"),
  c(
    "tumble_aggregates",
    true,
    "SELECT window_start, window_end, COUNT(*) AS c, SUM(amount) AS s, MIN(id) AS lo, MAX(amount) AS hi, AVG(id) AS a FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  ),
  c("view_then_query", true, "SELECT name, a2 FROM big_orders WHERE a2 < 50", "CREATE VIEW big_orders AS SELECT name, amount * 2 AS a2 FROM orders WHERE amount > 5;\n"),
  c("group_count_per_key", true, "SELECT name, COUNT(*) AS c FROM orders GROUP BY name"),
  c("group_sum_avg_per_key", true, "SELECT name, SUM(amount) AS s, AVG(amount) AS a, AVG(id) AS ai, MIN(amount) AS lo, MAX(ts) AS latest FROM orders GROUP BY name"),
  c("group_having", true, "SELECT name, COUNT(*) AS c, SUM(amount) AS s FROM orders GROUP BY name HAVING COUNT(*) >= 2 AND SUM(amount) < 25"),
  c("global_count", true, "SELECT COUNT(*) AS c, SUM(amount) AS s, MAX(id) AS hi FROM orders"),
  c("group_keys_not_shown", false, "SELECT COUNT(*) AS c, SUM(amount) * 2 AS s2 FROM orders WHERE amount > 0 GROUP BY name"),
  c("group_having_drops_group", false, "SELECT name, MAX(amount) AS hi FROM orders GROUP BY name HAVING MAX(amount) < 15"),
  c("group_null_values", false, "SELECT tag, COUNT(*) AS c, COUNT(v) AS cv, SUM(v) AS s, MIN(v) AS lo FROM sparse GROUP BY tag", SPARSE_DDL),
  c("group_over_updating_counts", true, "SELECT c, COUNT(*) AS names FROM (SELECT name, COUNT(*) AS c FROM orders GROUP BY name) GROUP BY c"),
  c("retract_min_max_sum", false, "SELECT MIN(s) AS lo, MAX(s) AS hi, SUM(s) AS total, AVG(s) AS a, COUNT(*) AS n FROM (SELECT name, SUM(amount) AS s FROM orders GROUP BY name)"),
  c("filter_over_updating", false, "SELECT name, c * 10 AS c10 FROM (SELECT name, COUNT(*) AS c, MAX(amount) AS hi FROM orders GROUP BY name) WHERE hi < 15"),
  c(
    "view_of_updating_having",
    false,
    "SELECT MAX(c) AS most, MIN(c) AS least FROM per_name WHERE name <> 'erin'",
    "CREATE VIEW per_name AS SELECT name, COUNT(*) AS c FROM orders GROUP BY name HAVING SUM(amount) > 5;\n",
  ),
  c("integer_division_mod", false, "SELECT id, id / 4 AS q, MOD(id, 3) AS m, id % 5 AS r, -id AS neg FROM orders"),
  c("like_in_between", false, "SELECT id, name FROM orders WHERE (name LIKE 'a%' OR name LIKE '_ob') AND id NOT IN (3, 5) AND amount BETWEEN 0 AND 20"),
  c("string_functions", false, "SELECT id, CHAR_LENGTH(name) AS l, SUBSTR(name, 2, 3) AS s, CONCAT(name, '!', CAST(id AS STRING)) AS c, COALESCE(name, 'x') AS co FROM orders"),
  c("cast_numbers", false, "SELECT id, CAST(amount AS INT) AS ai, CAST(id AS DOUBLE) AS di, CAST(amount AS STRING) AS sa FROM orders"),
  c(
    "tumble_by_key_having",
    false,
    "SELECT window_start, name, COUNT(*) AS c, SUM(amount) * 2 AS s2 FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '20' SECOND)) GROUP BY window_start, window_end, name HAVING COUNT(*) >= 1 AND SUM(amount) > 5",
  ),
  c("tumble_window_columns", false, "SELECT id, window_start, window_end FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '15' SECOND)) WHERE id > 6"),
  c(
    "hop_aggregates",
    false,
    "SELECT window_start, window_end, window_time, COUNT(*) AS c, SUM(amount) AS s, MAX(id) AS hi FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)) GROUP BY window_start, window_end, window_time",
  ),
  c(
    "hop_by_key_having",
    false,
    "SELECT window_start, window_end, name, COUNT(*) AS c, AVG(amount) AS a FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '20' SECOND)) GROUP BY window_start, window_end, name HAVING COUNT(*) > 1",
  ),
  c("hop_window_columns", false, "SELECT id, window_start, window_end, window_time FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) WHERE id < 5"),
  c(
    "cumulate_aggregates",
    true,
    "SELECT window_start, window_end, COUNT(*) AS c, SUM(amount) AS s, MIN(amount) AS lo FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
  ),
  c(
    "cumulate_by_key",
    false,
    "SELECT window_start, window_end, name, COUNT(*) AS c, SUM(id) AS s FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '30' SECOND)) GROUP BY window_start, window_end, name",
  ),
  c("cumulate_window_columns", false, "SELECT id, window_start, window_end FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND)) WHERE id > 8"),
  c(
    "session_partitioned",
    true,
    "SELECT window_start, window_end, name, COUNT(*) AS c, SUM(amount) AS s, MIN(id) AS lo, MAX(id) AS hi FROM TABLE(SESSION(TABLE orders PARTITION BY name, DESCRIPTOR(ts), INTERVAL '8' SECOND)) GROUP BY window_start, window_end, name",
  ),
  c(
    "session_global",
    false,
    "SELECT window_start, window_end, window_time, COUNT(*) AS c, AVG(id) AS a FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '3' SECOND)) GROUP BY window_start, window_end, window_time",
  ),
  c(
    "session_partition_not_grouped",
    false,
    "SELECT window_start, window_end, COUNT(*) AS c, MAX(amount) AS hi FROM TABLE(SESSION(TABLE orders PARTITION BY (name), DESCRIPTOR(ts), INTERVAL '6' SECOND)) WHERE amount > 1 GROUP BY window_start, window_end HAVING SUM(amount) > 5",
  ),
  c("session_window_columns", false, "SELECT id, name, window_start, window_end, window_time FROM TABLE(SESSION(TABLE orders PARTITION BY name, DESCRIPTOR(ts), INTERVAL '8' SECOND)) WHERE id <> 4"),
  c("session_global_rows", false, "SELECT id, window_start, window_end FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '3' SECOND))"),
  // The examples of Flink's window TVF docs, as written there.
  docs("docs_tumble", "SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end"),
  docs(
    "docs_hop",
    "SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
  ),
  docs(
    "docs_cumulate",
    "SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(CUMULATE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
  ),
  docs(
    "docs_session_partitioned",
    "SELECT window_start, window_end, item, SUM(price) AS total_price FROM TABLE(SESSION(TABLE Bid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES)) GROUP BY item, window_start, window_end",
  ),
  docs("docs_session", "SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(SESSION(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES)) GROUP BY window_start, window_end"),
  docs("docs_hop_rows", "SELECT * FROM TABLE(HOP(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES))"),
  // Offsets: rows only. Flink 1.20.1's window aggregates with an offset lose windows (FLINK-36664,
  // its next trigger watermark ignores the offset), e.g. the docs' own TUMBLE offset example.
  docs("docs_tumble_offset_rows", "SELECT * FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '1' MINUTES))"),
  c(
    "cumulate_offset_rows",
    false,
    "SELECT id, window_start, window_end FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '12' SECOND, INTERVAL '3' SECOND)) WHERE id < 4",
  ),
  c("timestamp_arithmetic", false, "SELECT id, ts + INTERVAL '1' MINUTE AS later FROM orders WHERE ts > CAST('2024-01-01 00:00:20' AS TIMESTAMP(3))"),
  {
    name: "null_logic",
    default: false,
    sql: `${SPARSE_DDL}SELECT id, v > 0 AND id > 1 AS f, v > 0 OR id > 1 AS o, COALESCE(v, 0) AS c, v * 2 AS d, v IS NULL AS n FROM sparse WHERE v IS NULL OR v < 100;\n`,
  },
  { name: "null_strings", default: false, sql: `${SPARSE_DDL}SELECT id, tag, CHAR_LENGTH(tag) AS l, tag || '!' AS t FROM sparse;\n` },
  c(
    "datagen_sequence",
    false,
    "SELECT n, n * n AS sq FROM seq WHERE MOD(n, 2) = 0",
    "CREATE TABLE seq (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '20');\n",
  ),
  ...TYPE_CHECK_CASES,
  ...CELL_CASES,
  ...OVER_CASES,
  ...JOIN_CASES,
  ...JOIN_GROUP_AGGREGATE_CASES,
  ...MATCH_RECOGNIZE_CASES,
  ...DIALECT_GAP_CASES,
  ...TEMPORAL_JOIN_CASES,
  ...LOOKUP_JOIN_CASES,
  ...WINDOW_JOIN_CASES,
  ...WINDOW_GROUP_JOIN_CASES,
  ...WINDOW_MAX_JOIN_CASES,
  ...CASCADED_WINDOW_CASES,
  ...UPDATING_TOP_N_CASES,
  ...DESCRIBE_TYPE_CASES,
  ...FILESYSTEM_SINK_CASES,
  ...PARALLEL_SCAN_CASES,
  ...FORMAT_STRICTNESS_CASES,
  ...IGNORE_PARSE_ERROR_CASES,
  ...PLAN_PARITY_CASES,
  ...WINDOW_TOP_CASES,
  ...FUNCTION_CASES,
  ...WINDOW_OVER_CHANGES_CASES,
  ...NULL_ROWTIME_CASES,
];
CASES.push(...miniBatchCases(CASES));
