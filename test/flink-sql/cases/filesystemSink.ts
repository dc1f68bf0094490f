/**
 * INSERT INTO a `filesystem` table against Flink itself: both sides write their own copy of the
 * table's directory (`{out}`), and the case compares the lines of the visible files, per partition
 * directory, as multisets, plus which partitions got a `_SUCCESS` file. In-progress and other
 * hidden files never count. Input: the shared orders (cases.ts).
 */
import type { OracleCase } from "../cases.js";

const ORDERS = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const sink = (name: string, isDefault: boolean, ddl: string, insert: string, extra: Partial<OracleCase> = {}): OracleCase => ({
  name,
  default: isDefault,
  sql: `${ORDERS}${ddl};\n${insert};\n`,
  sinks: ["out"],
  ...extra,
});

export const FILESYSTEM_SINK_CASES: OracleCase[] = [
  sink(
    "fs_sink_csv_partitioned",
    true,
    "CREATE TABLE fs_out (id INT, amount DOUBLE, ts TIMESTAMP(3), name STRING) PARTITIONED BY (name) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file')",
    "INSERT INTO fs_out SELECT id, amount, ts, name FROM orders",
  ),
  // nexmark q10's layout: two partition keys from DATE_FORMAT (':' escaped in the directory name), partition-time commit.
  sink(
    "fs_sink_json_q10_layout",
    false,
    "CREATE TABLE fs_out (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'json', " +
      "'sink.partition-commit.trigger' = 'partition-time', 'sink.partition-commit.delay' = '1 min', 'sink.partition-commit.policy.kind' = 'success-file', " +
      "'partition.time-extractor.timestamp-pattern' = '$dt $hm:00', 'sink.rolling-policy.rollover-interval' = '1min', 'sink.rolling-policy.check-interval' = '1min')",
    "INSERT INTO fs_out SELECT id, name, amount, ts, DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'HH:mm') FROM orders",
  ),
  // NULL and '' partition values go to 'partition.default-name'.
  sink(
    "fs_sink_default_partition",
    false,
    "CREATE TABLE fs_out (id INT, amount DOUBLE, who STRING) PARTITIONED BY (who) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'csv', 'partition.default-name' = 'nobody')",
    "INSERT INTO fs_out SELECT id, amount, CASE WHEN name = 'bob' THEN CAST(NULL AS STRING) WHEN name = 'dave' THEN '' ELSE name END FROM orders",
  ),
  // A window aggregate's rows (TIMESTAMP, BIGINT, DOUBLE) as csv, unpartitioned.
  sink(
    "fs_sink_csv_window",
    false,
    "CREATE TABLE fs_out (window_start TIMESTAMP(3), window_end TIMESTAMP(3), name STRING, c BIGINT, s DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'csv')",
    "INSERT INTO fs_out SELECT window_start, window_end, name, COUNT(*), SUM(amount) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name",
  ),
  // Java's Double.toString, as Jackson writes it: 1.05E7 and 1.5E-4, not 10500000 and 0.00015.
  sink(
    "fs_sink_doubles_scientific",
    false,
    "CREATE TABLE fs_out (id INT, big DOUBLE, small DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'json')",
    "INSERT INTO fs_out SELECT id, amount * 1e6, amount / 10000 FROM orders",
  ),
  sink(
    "fs_sink_doubles_scientific_csv",
    false,
    "CREATE TABLE fs_out (id INT, big DOUBLE, small DOUBLE, big_text STRING) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'csv')",
    "INSERT INTO fs_out SELECT id, amount * 1e6, amount / 10000, CAST(amount * 1e6 AS STRING) FROM orders",
  ),
  sink(
    "fs_sink_updating_refused",
    true,
    "CREATE TABLE fs_out (name STRING, c BIGINT) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'csv')",
    "INSERT INTO fs_out SELECT name, COUNT(*) FROM orders GROUP BY name",
    { error: /doesn't support consuming update changes/ },
  ),
];
