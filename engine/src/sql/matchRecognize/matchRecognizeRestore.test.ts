/**
 * Random-cut restore of a MATCH_RECOGNIZE query, as restore/windowRestore.test.ts does for windows:
 * the query runs uninterrupted once, then per seed it is stopped with a savepoint once the source has
 * read a random number of rows (partial matches open in the NFA, rows waiting for the watermark in the
 * CEP operator's keyed state), restored under its plan-derived uids, and the rows of both runs together
 * must be the uninterrupted run's: none lost, none twice. Three seeds; SLUICE_CONFORMANCE_SEEDS=N for N.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-mr-restore-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 8_000;
const QUERY = `SELECT * FROM ev MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY ts
  MEASURES FIRST(A.id) AS a, LAST(B.id) AS b, COUNT(B.id) AS n, C.id AS c, AVG(B.v) AS av, MATCH_ROWTIME() AS mt
  AFTER MATCH SKIP TO NEXT ROW
  PATTERN (A B{1,5}? C) WITHIN INTERVAL '3' SECOND
  DEFINE A AS A.v < 300, B AS B.v BETWEEN 200 AND 800 AND B.v > FIRST(A.v), C AS C.v > LAST(B.v)
) AS T`;

/** Rows 37 ms apart in event time, up to 800 ms out of order, a few late (dropped, as Flink drops them). */
function writeEvents(path: string): void {
  const random = seededRandom(11);
  const base = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const late = i % 997 === 996 ? 5000 : 0;
    const ts = new Date(base + i * 37 - Math.floor(random() * 800) - late).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${(i * 7919) % 13},${Math.floor(random() * 1000)},${ts}`);
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

test("a MATCH_RECOGNIZE query stopped with a savepoint at random moments and restored gives exactly the uninterrupted matches", async () => {
  const csv = join(dir, "events.csv");
  writeEvents(csv);
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`,
  );
  const rows = await checkRandomCutRestore(session.catalog, QUERY, dir, { seeds: 3, sourceRows: ROWS, name: "match-recognize-restore" });
  assert.ok(rows.length > 300, `${rows.length} matches`);
});
