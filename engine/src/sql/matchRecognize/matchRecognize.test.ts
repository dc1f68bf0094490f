/**
 * MATCH_RECOGNIZE's refusals, each at the line and column of what it refuses (the results themselves
 * are compared with Flink's in test/flink-sql/cases/matchRecognize.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamSqlError } from "../errors.js";
import { SqlSession } from "../SqlSession.js";
import { formatType } from "../types.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-mr-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function session(): Promise<SqlSession> {
  const csv = join(dir, "t.csv");
  writeFileSync(csv, "1,a,5,2024-01-01 00:00:01\n2,a,7,2024-01-01 00:00:02\n3,a,9,2024-01-01 00:00:03\n");
  const s = new SqlSession();
  await s.execute(`CREATE TABLE t (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`);
  return s;
}

test("MATCH_PROCTIME() ordered by a proctime attribute: a TIMESTAMP_LTZ(3) NOT NULL proctime attribute, the clock when the match goes out", async () => {
  const s = await session();
  const before = Date.now();
  const results = await s.execute(query({ from: "(SELECT id, k, v, PROCTIME() AS pt FROM t)", order: "pt", measures: "A.id AS a, B.id AS b, MATCH_PROCTIME() AS mp" }));
  const last = results[results.length - 1];
  if (last?.kind !== "table") return assert.fail(`not a table: ${last?.kind}`);
  const mp = last.columns.find((c) => c.name === "mp");
  assert.equal(mp && formatType(mp.type), "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*");
  assert.deepEqual(
    last.rows.map((r) => r.slice(0, 3)),
    [
      ["a", 1, 2],
      ["a", 2, 3],
    ],
  );
  for (const r of last.rows) assert.ok(typeof r[3] === "number" && r[3] >= before && r[3] <= Date.now(), `MATCH_PROCTIME() ${String(r[3])} is not the clock of this run`);
});

const query = (clauses: { order?: string; measures?: string; mode?: string; pattern?: string; define?: string; from?: string }): string =>
  `SELECT * FROM ${clauses.from ?? "t"} MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY ${clauses.order ?? "ts"}
  MEASURES ${clauses.measures ?? "LAST(A.id) AS a"}
  ${clauses.mode ?? "ONE ROW PER MATCH"}
  PATTERN (${clauses.pattern ?? "A B"})
  DEFINE ${clauses.define ?? "B AS B.v > A.v"}
) AS T`;

test("MATCH_RECOGNIZE finds the matches of a simple pattern", async () => {
  const s = await session();
  const results = await s.execute(query({ measures: "A.id AS a, B.id AS b, MATCH_ROWTIME() AS mt", pattern: "A B" }));
  const last = results[results.length - 1];
  assert.equal(last?.kind, "table");
  if (last?.kind !== "table") return;
  assert.deepEqual(
    last.columns.map((c) => c.name),
    ["k", "a", "b", "mt"],
  );
  assert.deepEqual(
    last.rows.map((r) => r.slice(0, 3)),
    [
      ["a", 1, 2],
      ["a", 2, 3],
    ],
  );
});

test("what Flink does not run is refused at its line and column", async () => {
  const s = await session();
  const cases: [string, RegExp, number, number][] = [
    [query({ mode: "ALL ROWS PER MATCH" }), /All rows per match mode is not supported yet/, 5, 3],
    [query({ pattern: "A (B C)+" }), /Group patterns are not supported yet/, 6, 14],
    [query({ pattern: "A | B" }), /doesn't support branching patterns/, 6, 14],
    [query({ pattern: "PERMUTE(A, B)" }), /PERMUTE/, 6, 12],
    [query({ order: "v" }), /rowtime or proctime for order by as the first one/, 3, 12],
    [query({ order: "ts DESC" }), /must be ascending on time/, 3, 12],
    [query({ order: "ts, v" }), /ordered by more than its time attribute/, 3, 16],
    [query({ measures: "MATCH_PROCTIME(1) AS p" }), /MATCH_PROCTIME\(\) takes no arguments/, 4, 12],
    [query({ define: "B AS B.v > PREV(B.v)" }), /physical offsets/, 7, 21],
    [query({ pattern: "A B+" }), /Greedy quantifiers are not allowed as the last element/, 6, 14],
    [query({ pattern: "A A" }), /Pattern variables must be unique/, 6, 14],
    [query({ measures: "AVG(A.v + B.v) AS x" }), /single pattern variable/, 4, 12],
    [query({ from: "(SELECT k, COUNT(*) AS n, MAX(ts) AS ts FROM t GROUP BY k)" }), /MATCH_RECOGNIZE over an updating result/, 1, 74],
  ];
  for (const [sql, message, line, column] of cases) {
    await assert.rejects(
      s.execute(sql),
      (e: unknown) => {
        assert.ok(e instanceof StreamSqlError, String(e));
        assert.match(e.message, message);
        assert.deepEqual(e.position, { line, column }, `${e.message}\n${sql}`);
        return true;
      },
      sql,
    );
  }
});
