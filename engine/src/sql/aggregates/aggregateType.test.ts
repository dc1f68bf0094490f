/**
 * DESCRIBE of views over aggregates prints Flink's types: the rows expected here are Flink 1.20.1's own
 * DESCRIBE output (name, type, null) for the same views, from the oracle's cases describe_tumble_aggregate
 * and describe_group_aggregate (test/flink-sql/cases/describeTypes.ts), so this runs without a JVM.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SqlSession } from "../SqlSession.js";

test("DESCRIBE of a window aggregate view: window bounds and COUNT NOT NULL, the other aggregates nullable, as Flink's", async () => {
  const session = new SqlSession();
  await session.execute(`CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE VIEW w AS SELECT window_start, window_end, window_time, COUNT(*) AS c, COUNT(name) AS cn, SUM(amount) AS s, MIN(id) AS lo, AVG(amount) AS a, COUNT(DISTINCT name) AS d, COUNT(*) * 2 AS c2 FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, window_time;
CREATE VIEW g AS SELECT name, COUNT(*) AS c, SUM(amount) AS s, MIN(id) + 1 AS lo1 FROM orders GROUP BY name`);
  const describe = async (view: string): Promise<unknown[][]> => {
    const [result] = await session.execute(`DESCRIBE ${view}`);
    return result?.kind === "table" ? result.rows.map((r) => r.slice(0, 3)) : assert.fail("DESCRIBE gave no table");
  };
  assert.deepEqual(await describe("w"), [
    ["window_start", "TIMESTAMP(3)", "FALSE"],
    ["window_end", "TIMESTAMP(3)", "FALSE"],
    ["window_time", "TIMESTAMP(3) *ROWTIME*", "FALSE"],
    ["c", "BIGINT", "FALSE"],
    ["cn", "BIGINT", "FALSE"],
    ["s", "DOUBLE", "TRUE"],
    ["lo", "INT", "TRUE"],
    ["a", "DOUBLE", "TRUE"],
    ["d", "BIGINT", "FALSE"],
    ["c2", "BIGINT", "FALSE"],
  ]);
  assert.deepEqual(await describe("g"), [
    ["name", "STRING", "TRUE"],
    ["c", "BIGINT", "FALSE"],
    ["s", "DOUBLE", "TRUE"],
    ["lo1", "INT", "TRUE"],
  ]);
});
