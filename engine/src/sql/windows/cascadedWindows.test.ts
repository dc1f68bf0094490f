/**
 * Cascaded window aggregates (windowProperties.ts): the plans Flink 1.20.1's EXPLAIN shows for them
 * (a GROUP BY on both bounds of an upstream window aggregate, under aliases, is a window aggregate;
 * nexmark q5's join of two such results a WindowJoin, its per-auction count computed once; a GROUP
 * BY on one bound an updating GroupAggregate), and the random-cut restore of the cascade and of the
 * q5-shaped join: stopped with a savepoint at a random moment and restored, nothing lost or twice
 * (three seeds; SLUICE_CONFORMANCE_SEEDS=N for N). Their rows against Flink's own:
 * test/flink-sql/cases/cascadedWindows.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-cascaded-windows-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 6000;
const PER_KEY = (bounds: string) => `SELECT k, ${bounds}, COUNT(*) AS c FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY k, window_start, window_end`;
/** nexmark q5's shape over `ev`: per HOP window, the keys with the most rows. */
const Q5 = `SELECT B.k, B.c, B.st FROM (${PER_KEY("window_start AS st, window_end AS e")}) AS B
 JOIN (SELECT MAX(M.c) AS maxc, M.st, M.e FROM (${PER_KEY("window_start AS st, window_end AS e")}) AS M GROUP BY M.st, M.e) AS X
 ON B.st = X.st AND B.e = X.e AND B.c >= X.maxc`;
const CASCADE = `SELECT window_start, window_end, COUNT(*) AS keys, MAX(c) AS most, SUM(c) AS total FROM (SELECT k, window_start, window_end, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end) GROUP BY window_start, window_end`;

/** Rows 13 ms apart in event time, up to 400 ms out of order, a few late. */
function writeEvents(path: string): void {
  const random = seededRandom(11);
  const base = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const late = i % 499 === 498 ? 4000 : 0;
    const ts = new Date(base + 13 * i - Math.floor(random() * 400) - late).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${Math.floor(random() * random() * 17)},${ts}`);
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

async function session(): Promise<SqlSession> {
  const csv = join(dir, "events.csv");
  writeEvents(csv);
  const s = new SqlSession();
  await s.execute(`CREATE TABLE ev (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`);
  return s;
}

async function explain(s: SqlSession, sql: string): Promise<string[]> {
  const last = (await s.execute(`EXPLAIN ${sql}`)).at(-1);
  assert.ok(last?.kind === "message");
  return last.text.split("\n").filter((l) => /^\[\d+\]/.test(l));
}

test("a GROUP BY on both bounds of a window aggregate is a window aggregate, and q5's join a window join over one shared count", async () => {
  const s = await session();
  // `+ 0`: Flink's plan; q5 as written joins its counts with their MAX in one operator (joins/planWindowMaxJoin.ts).
  const q5 = await explain(s, Q5.replace("B.c >= X.maxc", "B.c + 0 >= X.maxc"));
  assert.equal(q5.filter((l) => / window aggregate(#\d+)?, /.test(l)).length, 2, q5.join("\n"));
  assert.ok(
    q5.some((l) => l.includes("WindowJoin(joinType=[InnerJoin], leftWindow=[HOP(slide=1000ms, size=3000ms)], rightWindow=[HOP(slide=1000ms, size=3000ms)])")),
    q5.join("\n"),
  );
  const fused = await explain(s, Q5);
  assert.equal(fused.filter((l) => / window aggregate(#\d+)?, /.test(l)).length, 1, fused.join("\n"));
  assert.ok(
    fused.some((l) => l.includes("WindowMaxJoin(fused=")),
    fused.join("\n"),
  );
  assert.ok(!q5.some((l) => /GroupAggregate|\] Join\(|as changelog/.test(l)), q5.join("\n"));
  const cascade = await explain(s, CASCADE);
  assert.equal(cascade.filter((l) => l.includes("window aggregate")).length, 2, cascade.join("\n"));
  // One bound only: an updating aggregate, as in Flink.
  const oneBound = await explain(s, `SELECT st, MAX(c) AS most FROM (${PER_KEY("window_start AS st, window_end AS e")}) GROUP BY st`);
  assert.ok(
    oneBound.some((l) => l.includes("GroupAggregate(groupBy=[st])")),
    oneBound.join("\n"),
  );
});

test("a cascaded window aggregate and q5's window join stopped with a savepoint at random moments and restored give exactly the uninterrupted rows", async () => {
  const s = await session();
  for (const [name, sql] of Object.entries({ cascade: CASCADE, q5: Q5, "q5 unfused": Q5.replace("B.c >= X.maxc", "B.c + 0 >= X.maxc") })) {
    const rows = await checkRandomCutRestore(s.catalog, sql, dir, { seeds: 3, sourceRows: ROWS, name: `cascaded ${name}` });
    assert.ok(rows.length > 30, `${name}: ${rows.length} rows`);
  }
});
