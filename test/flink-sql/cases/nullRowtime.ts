import type { OracleCase } from "../cases.js";

/** A NULL rowtime fails the job on both sides (Flink: its WatermarkAssignerOperator, and a window's slice assigner over a join's NULL side). */
const ROWS = "1,alice,2024-01-01 00:00:01.000\n2,bob,\n3,alice,2024-01-01 00:00:12.000\n";
const table = (name: string, ts: string) =>
  `CREATE TABLE ${name} (id INT, name STRING, ts TIMESTAMP(3)${ts}) WITH ('connector' = 'filesystem', 'path' = '{input}', 'format' = 'csv', 'csv.null-literal' = '');\n`;
const WATERMARKED = table("t", ", WATERMARK FOR ts AS ts - INTERVAL '1' SECOND");
const NULL_ROWTIME = /RowTime field should not be null/;
const fails = (name: string, sql: string, input = ROWS): OracleCase => ({ name, default: false, sql: `${sql};\n`, files: { input }, error: NULL_ROWTIME });

export const NULL_ROWTIME_CASES: OracleCase[] = [
  fails("null_rowtime_tumble_fails", `${WATERMARKED}SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`),
  // Flink's WatermarkAssignerOperator refuses the row itself: a query that reads no event time fails too.
  fails("null_rowtime_projection_fails", `${WATERMARKED}SELECT id, name FROM t`),
  fails("null_rowtime_over_fails", `${WATERMARKED}SELECT id, COUNT(*) OVER (PARTITION BY name ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS c FROM t`),
  // Every rowtime set: the right side's is NULL in a LEFT interval join's unmatched rows, and a window over it fails.
  fails(
    "null_rowtime_window_over_left_interval_join_fails",
    `${table("a", ", WATERMARK FOR ts AS ts - INTERVAL '1' SECOND")}${table("b", ", WATERMARK FOR ts AS ts - INTERVAL '1' SECOND")}` +
      `CREATE VIEW v AS SELECT a.id, b.ts AS bts FROM a LEFT JOIN b ON a.name = b.name AND a.id = b.id + 10 AND a.ts BETWEEN b.ts - INTERVAL '5' SECOND AND b.ts;\n` +
      `SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(bts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
    "1,alice,2024-01-01 00:00:01.000\n2,bob,2024-01-01 00:00:02.000\n3,alice,2024-01-01 00:00:12.000\n",
  ),
];
