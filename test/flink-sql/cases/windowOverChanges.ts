/**
 * Window TVF aggregates over an updating input (issue 18, session 15), against Flink 1.20.1: the input is a
 * deduplication keeping each id's last row by its rowtime (a versioned view, which stays a time attribute),
 * so a new version of a row retracts the old one (-U) from its window and group and adds itself (+U) to
 * its own. Flink's window aggregate takes the retractions through retracting accumulators (COUNT_RETRACT,
 * SUM_RETRACT, MIN/MAX_RETRACT, …) and still emits one final row per window and group; a window whose
 * rows were all retracted before it fired emits nothing (its row counter is 0), and a retraction for a
 * window that already fired is late and dropped, as a late insert is. The versions, in arrival order
 * (watermark ts - 2 s; TUMBLE 10 s):
 *   - id 1 moves from alice to bob within [0, 10): alice keeps only id 3, whose amount is NULL;
 *   - id 4 (carol) moves from [0, 10) to [10, 20) just before [0, 10) fires: carol's [0, 10) group empties;
 *   - ids 2 and 3 move on after [0, 10) fired: their retractions from it are late;
 *   - id 5 (dave) and id 7 (alice) change within [10, 20): dave's MIN/MAX and alice's MAX lose their extremes;
 *   - ids 8 and 9 swap names within [20, 30).
 * Run them with `node dist/test/flink-sql/run.js <name …>`.
 */
import type { OracleCase } from "../cases.js";

export const VERSIONS_CSV =
  [
    "1,alice,10.0,2024-01-01 00:00:01.000",
    "2,bob,5.0,2024-01-01 00:00:02.000",
    "3,alice,,2024-01-01 00:00:03.000",
    "1,bob,7.0,2024-01-01 00:00:04.000",
    "4,carol,3.0,2024-01-01 00:00:05.000",
    "4,carol,3.0,2024-01-01 00:00:12.000",
    "5,dave,2.0,2024-01-01 00:00:13.000",
    "2,bob,6.0,2024-01-01 00:00:14.000",
    "5,dave,8.0,2024-01-01 00:00:16.000",
    "3,alice,4.0,2024-01-01 00:00:11.000",
    "7,alice,9.0,2024-01-01 00:00:18.000",
    "7,alice,1.0,2024-01-01 00:00:19.000",
    "8,frank,2.0,2024-01-01 00:00:25.000",
    "9,gina,,2024-01-01 00:00:26.000",
    "8,gina,3.0,2024-01-01 00:00:27.000",
    "9,frank,5.0,2024-01-01 00:00:28.000",
  ].join("\n") + "\n";

const DDL = `CREATE TABLE versions (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{versions}', 'format' = 'csv', 'csv.null-literal' = '');
CREATE VIEW latest AS SELECT id, name, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts DESC) AS rn FROM versions) WHERE rn = 1;
`;
const AGGS = "COUNT(*) AS c, COUNT(amount) AS n, SUM(amount) AS s, MIN(amount) AS lo, MAX(amount) AS hi, AVG(amount) AS a";
const TUMBLE = "TABLE(TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '10' SECOND))";
const c = (name: string, isDefault: boolean, query: string, extra: Partial<OracleCase> = {}): OracleCase => ({
  name,
  default: isDefault,
  sql: `${DDL}${query};\n`,
  files: { versions: VERSIONS_CSV },
  appendOnly: true,
  ...extra,
});

export const WINDOW_OVER_CHANGES_CASES: OracleCase[] = [
  c("tvf_changes_tumble", true, `SELECT window_start, window_end, name, ${AGGS} FROM ${TUMBLE} GROUP BY window_start, window_end, name`),
  c("tvf_changes_tumble_global", false, `SELECT window_start, window_end, ${AGGS}, COUNT(DISTINCT name) AS names FROM ${TUMBLE} GROUP BY window_start, window_end`),
  c("tvf_changes_tumble_having", false, `SELECT window_start, name, SUM(amount) AS s FROM ${TUMBLE} GROUP BY window_start, window_end, name HAVING COUNT(*) > 1`),
  // A filter over the versions drops a +U and keeps its -U: the row only leaves its window.
  c(
    "tvf_changes_tumble_filtered",
    false,
    `SELECT window_start, window_end, name, ${AGGS} FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name`,
    {
      sql: `${DDL}CREATE VIEW big AS SELECT * FROM latest WHERE amount > 2;\nSELECT window_start, window_end, name, ${AGGS} FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name;\n`,
    },
  ),
  c(
    "tvf_changes_hop",
    false,
    `SELECT window_start, window_end, name, ${AGGS} FROM TABLE(HOP(TABLE latest, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name`,
  ),
  c(
    "tvf_changes_cumulate",
    false,
    `SELECT window_start, window_end, name, ${AGGS} FROM TABLE(CUMULATE(TABLE latest, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name`,
  ),
  c(
    "tvf_changes_session",
    false,
    `SELECT window_start, window_end, name, ${AGGS} FROM TABLE(SESSION(TABLE latest PARTITION BY name, DESCRIPTOR(ts), INTERVAL '3' SECOND)) GROUP BY window_start, window_end, name`,
  ),
  c("tvf_changes_session_global", false, `SELECT window_start, window_end, ${AGGS} FROM TABLE(SESSION(TABLE latest, DESCRIPTOR(ts), INTERVAL '3' SECOND)) GROUP BY window_start, window_end`),
  // At p=2 a retraction that is late at p=1 may reach the window before the other deduplication subtask's watermark fires it (in Flink too): ids 2 and 3's are left out.
  c("tvf_changes_tumble_p2", false, "", {
    sql: `SET 'parallelism.default' = '2';\n${DDL}SELECT window_start, window_end, name, ${AGGS} FROM ${TUMBLE} WHERE id <> 2 AND id <> 3 GROUP BY window_start, window_end, name;\n`,
  }),
  // Without COUNT(*): whether a group whose rows were all retracted still has a row.
  c("tvf_changes_tumble_no_count", false, `SELECT window_start, window_end, name, MIN(amount) AS lo, AVG(amount) AS a, COUNT(amount) AS n FROM ${TUMBLE} GROUP BY window_start, window_end, name`),
  c(
    "tvf_changes_session_no_count",
    false,
    "SELECT window_start, window_end, name, MIN(amount) AS lo, AVG(amount) AS a, COUNT(amount) AS n FROM TABLE(SESSION(TABLE latest PARTITION BY name, DESCRIPTOR(ts), INTERVAL '3' SECOND)) GROUP BY window_start, window_end, name",
  ),
  // Flink's legacy group window over the same changes.
  c(
    "tvf_changes_legacy_tumble",
    false,
    "SELECT name, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS c, SUM(amount) AS s, MAX(amount) AS hi FROM latest GROUP BY name, TUMBLE(ts, INTERVAL '10' SECOND)",
  ),
  // A non-windowed GROUP BY's MAX(ts) is no time attribute any more.
  c("tvf_changes_group_by_view", false, "SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE per_name, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", {
    sql: `${DDL}CREATE VIEW per_name AS SELECT name, MAX(ts) AS ts FROM versions GROUP BY name;\nSELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE per_name, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;\n`,
    error: /The window function requires the timecol is a time attribute type, but is TIMESTAMP\(3\)/,
  }),
  // A GROUP BY on the rowtime itself does not keep it a time attribute either.
  c("tvf_changes_group_by_ts_view", false, "", {
    sql: `${DDL}CREATE VIEW per_ts AS SELECT ts, COUNT(*) AS n FROM versions GROUP BY ts;\nSELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE per_ts, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;\n`,
    error: /The window function requires the timecol is a time attribute type, but is TIMESTAMP\(3\)/,
  }),
  // Other updating inputs with a rowtime column: a Top-N (not a deduplication), a deduplication keeping the first row, a regular join.
  c("tvf_changes_topn", false, "", {
    sql: `${DDL}CREATE VIEW top2 AS SELECT id, name, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY amount DESC) AS rn FROM versions) WHERE rn <= 2;\nSELECT window_start, name, COUNT(*) AS c, SUM(amount) AS s FROM TABLE(TUMBLE(TABLE top2, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name;\n`,
  }),
  c("tvf_changes_first_row", false, "", {
    sql: `${DDL}CREATE VIEW firsts AS SELECT id, name, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY ts ASC) AS rn FROM versions) WHERE rn = 1;\nSELECT window_start, name, COUNT(*) AS c, SUM(amount) AS s FROM TABLE(TUMBLE(TABLE firsts, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name;\n`,
  }),
  c("tvf_changes_regular_join", false, "", {
    sql: `${DDL}CREATE VIEW joined AS SELECT v.id, v.name, v.ts FROM versions v LEFT JOIN versions w ON v.id = w.id + 1;\nSELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE joined, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;\n`,
    error: /The window function requires the timecol is a time attribute type, but is TIMESTAMP\(3\)/,
  }),
  // A deduplication's rowtime is a time attribute, but an interval join takes no updating input (in Flink's words).
  c("tvf_changes_interval_join_fails", false, "", {
    sql: `${DDL}SELECT l.id, v.id AS vid FROM latest l JOIN versions v ON l.id = v.id AND v.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts;\n`,
    error: /StreamPhysicalIntervalJoin doesn't support consuming update and delete changes/,
  }),
  // A GROUP BY on the bounds of the TVF's changes through a subquery: Flink's window aggregate still.
  c("tvf_changes_subquery_group", false, `SELECT window_start, name, COUNT(*) AS c, SUM(amount) AS s, MAX(amount) AS hi FROM (SELECT * FROM ${TUMBLE}) GROUP BY window_start, window_end, name`),
  // Window Top-N and window join over the versions' windows: Flink takes no updating input there.
  c("tvf_changes_window_topn", false, `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY amount DESC) AS rn FROM ${TUMBLE}) WHERE rn <= 2`, {
    error: /StreamPhysicalWindowRank doesn't support consuming update and delete changes/,
  }),
  c(
    "tvf_changes_window_join",
    false,
    `SELECT L.id, L.name, R.name AS rname FROM (SELECT * FROM ${TUMBLE}) L JOIN (SELECT * FROM TABLE(TUMBLE(TABLE versions, DESCRIPTOR(ts), INTERVAL '10' SECOND))) R ON L.id = R.id AND L.window_start = R.window_start AND L.window_end = R.window_end`,
    { error: /StreamPhysicalWindowJoin doesn't support consuming update and delete changes/ },
  ),
  // The TVF alone over the versions: each change with its row's windows, its kind kept.
  c("tvf_changes_bare_tumble", false, `SELECT id, name, window_start FROM ${TUMBLE}`, { appendOnly: false, exactChangelog: true }),
  c("tvf_changes_bare_hop", false, "SELECT id, name, amount, window_start, window_end, window_time FROM TABLE(HOP(TABLE latest, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))", {
    appendOnly: false,
    exactChangelog: true,
  }),
  c("tvf_changes_bare_session", false, "SELECT id, name, window_start, window_end FROM TABLE(SESSION(TABLE latest PARTITION BY name, DESCRIPTOR(ts), INTERVAL '3' SECOND))", { appendOnly: false }),
];
