/**
 * A row whose rowtime is NULL fails the query's job with MissingTimestampError at the scan that reads
 * the rowtime (as Flink's WatermarkAssignerOperator fails it), whichever event-time operator follows;
 * before, such rows were timestamped null and silently dropped as late (or put in 1970's windows).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { MissingTimestampError } from "../../errors/errors.js";
import { tempDir } from "../../testing/tempDir.js";
import { SqlSession } from "../index.js";

const csv = join(tempDir("sluice-nullrowtime-"), "orders.csv");
writeFileSync(csv, "1,alice,2024-01-01 00:00:01.000\n2,bob,\n3,alice,2024-01-01 00:00:12.000\n");
const ddl = `CREATE TABLE orders (id INT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv', 'csv.null-literal' = '');`;

const queries: Record<string, string> = {
  "window TVF": "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  "OVER aggregate": "SELECT id, COUNT(*) OVER (PARTITION BY name ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM orders",
  "interval join": "SELECT a.id, b.id FROM orders a, orders b WHERE a.name = b.name AND a.ts BETWEEN b.ts - INTERVAL '5' SECOND AND b.ts",
  MATCH_RECOGNIZE: "SELECT * FROM orders MATCH_RECOGNIZE (PARTITION BY name ORDER BY ts MEASURES A.id AS aid PATTERN (A) DEFINE A AS TRUE)",
  "rowtime dedup": "SELECT id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY ts) AS rn FROM orders) WHERE rn = 1",
};

const cases = [...Object.entries(queries).map(([kind, query]) => ({ kind, query, parallelism: 1 })), { kind: "window TVF on worker threads", query: queries["window TVF"] as string, parallelism: 2 }];
for (const { kind, query, parallelism } of cases) {
  test(`${kind} over a row whose rowtime is NULL fails with MissingTimestampError naming the scan and the row`, async () => {
    const error = await new SqlSession().execute(`${ddl}\nSET 'parallelism.default' = '${parallelism}';\n${query}`).then(
      () => assert.fail("no error"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MissingTimestampError, String(error));
    assert.match(error.context.operator ?? "", /watermarks orders/);
    assert.deepEqual(error.context.record, [2, "bob", null]);
    assert.match(error.message, /record: \[2,"bob",null\]/);
    assert.match(error.message, /RowTime field should not be null/);
  });
}
