/**
 * Window TVF aggregates over an updating input (a deduplication keeping each id's last row): the rows of
 * test/flink-sql/cases/windowOverChanges.ts, worked out by hand from Flink 1.20's rules and the same as
 * Flink's own there — a retraction leaves its row's window and group, a group emptied before its window
 * fires emits nothing, a retraction for a window already fired is late and dropped; at p=1 and p=2.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { VERSIONS_CSV } from "../../../../test/flink-sql/cases/windowOverChanges.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-tvf-changes-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, "versions.csv");
writeFileSync(csv, VERSIONS_CSV);
const DDL = `CREATE TABLE versions (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv', 'csv.null-literal' = '');
CREATE VIEW latest AS SELECT id, name, amount, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts DESC) AS rn FROM versions) WHERE rn = 1;`;
const T0 = Date.UTC(2024, 0, 1);

async function rows(query: string, parallelism = 1): Promise<unknown[][]> {
  const session = new SqlSession();
  const results = await session.execute(`${parallelism > 1 ? `SET 'parallelism.default' = '${parallelism}';\n` : ""}${DDL}\n${query}`);
  const last = results.at(-1);
  assert.ok(last?.kind === "table", String(last?.kind));
  return last.rows.map((r) => [((r[0] as number) - T0) / 1000, ...r.slice(1)]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const TUMBLE = `SELECT window_start, name, COUNT(*) AS c, COUNT(amount) AS n, SUM(amount) AS s, MIN(amount) AS lo, MAX(amount) AS hi, AVG(amount) AS a
  FROM TABLE(TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name`;
const EXPECTED = [
  // alice's id 1 moved to bob; id 3 (NULL amount) moved on after [0, 10) fired: its late retraction is dropped.
  [0, "alice", 1, 0, null, null, null, null],
  [0, "bob", 2, 2, 12, 5, 7, 6],
  // No carol in [0, 10): id 4 left it before it fired.
  [10, "alice", 2, 2, 5, 1, 4, 2.5],
  [10, "bob", 1, 1, 6, 6, 6, 6],
  [10, "carol", 1, 1, 3, 3, 3, 3],
  [10, "dave", 1, 1, 8, 8, 8, 8],
  [20, "frank", 1, 1, 5, 5, 5, 5],
  [20, "gina", 1, 1, 3, 3, 3, 3],
].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

test("a TUMBLE aggregate over a deduplication's changes takes its retractions: one final row per window and group", async () => {
  assert.deepEqual(await rows(TUMBLE), EXPECTED);
});

/**
 * At parallelism 2 the window operator reads two deduplication subtasks, and its watermark is the lower of
 * theirs: a retraction that is late at p=1 may reach it before the other subtask's watermark fires its window,
 * as in Flink. Without ids 2 and 3, whose retractions are late, the rows do not depend on that.
 */
test("at parallelism 2, without the late retractions", async () => {
  const query = TUMBLE.replace("GROUP BY", "WHERE id <> 2 AND id <> 3 GROUP BY");
  const expected = [
    [0, "bob", 1, 1, 7, 7, 7, 7],
    [10, "alice", 1, 1, 1, 1, 1, 1],
    [10, "carol", 1, 1, 3, 3, 3, 3],
    [10, "dave", 1, 1, 8, 8, 8, 8],
    [20, "frank", 1, 1, 5, 5, 5, 5],
    [20, "gina", 1, 1, 3, 3, 3, 3],
  ];
  assert.deepEqual(await rows(query, 1), expected);
  assert.deepEqual(await rows(query, 2), expected);
});

test("a window over a non-windowed GROUP BY's column, and an interval join over the deduplication, fail at plan time as in Flink", async () => {
  const session = new SqlSession();
  await session.execute(DDL);
  await session.execute("CREATE VIEW per_name AS SELECT name, MAX(ts) AS ts FROM versions GROUP BY name");
  await assert.rejects(
    session.execute("SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE per_name, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end"),
    /The window function requires the timecol is a time attribute type, but is TIMESTAMP\(3\)/,
  );
  // The deduplication's rowtime is a time attribute, but an interval join takes no updating input (it threw a TypeError).
  await assert.rejects(
    session.execute("SELECT l.id, v.id AS vid FROM latest l JOIN versions v ON l.id = v.id AND v.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts"),
    /StreamPhysicalIntervalJoin doesn't support consuming update and delete changes/,
  );
});

test("EXPLAIN names the window aggregate over changes with Flink's retracting functions", async () => {
  const session = new SqlSession();
  await session.execute(DDL);
  const [explained] = await session.execute(`EXPLAIN ${TUMBLE}`);
  assert.ok(explained?.kind === "message");
  assert.match(
    explained.text,
    /WindowAggregate\(groupBy=\[name\], window=\[TumblingEventTimeWindows\(10000\)\], select=\[COUNT_RETRACT\(\*\), COUNT_RETRACT\(amount\), SUM_RETRACT\(amount\), MIN_RETRACT\(amount\), MAX_RETRACT\(amount\), AVG_RETRACT\(amount\)\]\), parallelism=1 <- \[\d+\] HASH/,
  );
});

test("a GROUP BY on the bounds of the TVF's changes through a subquery is the same window aggregate (late retractions dropped)", async () => {
  const through = TUMBLE.replace("FROM TABLE(TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '10' SECOND))", "FROM (SELECT * FROM TABLE(TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '10' SECOND)))");
  assert.notEqual(through, TUMBLE);
  assert.deepEqual(await rows(through), EXPECTED);
});
