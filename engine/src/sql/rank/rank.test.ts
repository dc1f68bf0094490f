/**
 * Top-N (over append-only and updating inputs), deduplication, window Top-N and OVER aggregations: stop-with-savepoint → restore at random moments gives
 * the uninterrupted output (state in keyed state; three seeds by default, SLUICE_CONFORMANCE_SEEDS=N
 * for N), and unsupported shapes fail at their token. Conformance with Flink itself, change by change
 * for Top-N and dedup, is test/flink-sql (cases/over.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { StreamSqlError } from "../errors.js";
import { SqlSession } from "../index.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-rank-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const RESTORED_QUERIES = [
  "SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM big) WHERE rn <= 3",
  "SELECT id, k FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v ASC) AS rn FROM big) WHERE rn <= 2",
  "SELECT id, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM big) WHERE rn = 1",
  // Rows wait in keyed state for the watermark: a savepoint holds some not yet emitted.
  "SELECT id, SUM(v) OVER w AS s, MAX(v) OVER w AS hi FROM big WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)",
  "SELECT id, COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW) AS c FROM big",
  // Window Top-N: a window's rows wait in keyed state for its end.
  "SELECT * FROM (SELECT id, v, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS rn FROM TABLE(TUMBLE(TABLE big, DESCRIPTOR(ts), INTERVAL '1' SECOND))) WHERE rn <= 2",
  // Top-N over an updating input (RetractableTopN): every row of the partition in keyed state, sums going up and down.
  "SELECT * FROM (SELECT k, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM (SELECT k, SUM(v - 500) AS s FROM big GROUP BY k)) WHERE rn <= 5",
  "SELECT k, c FROM (SELECT k, COUNT(*) AS c FROM big GROUP BY k) ORDER BY c DESC LIMIT 3 OFFSET 1",
  // Top-N over running counts (UpdatableTopN): only the top rows in keyed state, found again by the unique key.
  "SELECT * FROM (SELECT k, c, ROW_NUMBER() OVER (ORDER BY c DESC, k) AS rn FROM (SELECT k, COUNT(*) AS c FROM big GROUP BY k)) WHERE rn <= 5",
  "SELECT k, s FROM (SELECT k, SUM(v) AS s FROM big WHERE v >= 0 GROUP BY k) ORDER BY s DESC LIMIT 4",
];

test("Top-N, deduplication and OVER stopped with a savepoint at a random moment and restored give the uninterrupted output", async () => {
  const ROWS = 20_000;
  const csv = join(dir, "big.csv");
  // Timestamps mostly ascending, some up to 1.5 s behind (inside the 1 s watermark delay or late).
  const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 100 - ((i * 37) % 16) * 100).toISOString().replace("T", " ").replace("Z", "");
  writeFileSync(csv, Array.from({ length: ROWS }, (_, i) => `${i},k${(i * 7919) % 41},${(i * 31) % 1000},${at(i)}`).join("\n") + "\n");
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE big (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`,
  );
  for (const [q, sql] of RESTORED_QUERIES.entries()) {
    await checkRandomCutRestore(session.catalog, sql, dir, { seeds: 3, name: `rank query ${q}`, inOrder: true, moreThan: 500 });
  }
});

const UNSUPPORTED: [string, RegExp, { line: number; column: number }][] = [
  ["SELECT id, ROW_NUMBER() OVER (PARTITION BY name ORDER BY ts) AS rn FROM t", /ROW_NUMBER\(\) is supported only for Top-N/, { line: 1, column: 12 }],
  ["SELECT id, SUM(v) OVER (ORDER BY v) FROM t", /ordering in stream mode must be defined on a time attribute/, { line: 1, column: 34 }],
  ["SELECT SUM(v) OVER (ORDER BY ts), COUNT(*) OVER (PARTITION BY name ORDER BY ts) FROM t", /All aggregates must be computed on the same window/, { line: 1, column: 35 }],
  ["SELECT SUM(v) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t", /ending other than at CURRENT ROW/, { line: 1, column: 62 }],
  ["SELECT SUM(v) OVER w FROM t WINDOW x AS (ORDER BY ts)", /Window 'w' not found/, { line: 1, column: 15 }],
  ["SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY v) AS rn FROM t) WHERE rn > 2", /Top-N needs WHERE rn <= N/, { line: 1, column: 81 }],
  ["SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY v) AS rn FROM t) WHERE rn > 2 AND rn < 3", /Top-N needs WHERE rn <= N/, { line: 1, column: 85 }],
  ["SELECT id FROM t ORDER BY v OFFSET 2", /OFFSET without LIMIT/, { line: 1, column: 1 }],
  ["SELECT id FROM t ORDER BY v NULLS LATE LIMIT 1", /expected FIRST or LAST after NULLS/, { line: 1, column: 35 }],
  ["SELECT * FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY v) AS rn FROM t)", /Top-N needs WHERE rn <= N/, { line: 1, column: 1 }],
];

test("unsupported OVER and Top-N shapes fail with a StreamSqlError at their token", async () => {
  const session = new SqlSession();
  await session.execute("CREATE TABLE t (id INT, name STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
  for (const [sql, message, position] of UNSUPPORTED) {
    await assert.rejects(
      () => session.execute(sql),
      (e: unknown) => {
        assert.ok(e instanceof StreamSqlError, `${sql}: ${String(e)}`);
        assert.match(e.message, message, sql);
        assert.deepEqual(e.position, position, `${sql}: ${e.message}`);
        return true;
      },
    );
  }
});

test("Top-N over an updating input is an updating result with the unique key the update view applies it by", async () => {
  const session = new SqlSession();
  await session.execute("CREATE TABLE t (id INT, name STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
  const sums = "(SELECT name, SUM(v) AS s FROM t GROUP BY name)";
  const keys: [string, number[] | undefined][] = [
    // The rank shown: it keys the rows (with the partition columns).
    [`SELECT * FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${sums}) WHERE rn <= 3`, [2]],
    // Not shown: the input's unique key (name) goes through, as Flink's.
    [`SELECT s, name FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${sums}) WHERE rn <= 3`, [1]],
    [`SELECT name, SUM(v) AS s FROM t GROUP BY name ORDER BY s DESC LIMIT 2 OFFSET 1`, [0]],
    [`SELECT s FROM (SELECT name, s, ROW_NUMBER() OVER (ORDER BY s DESC) AS rn FROM ${sums}) WHERE rn <= 3`, undefined],
  ];
  for (const [sql, key] of keys) {
    const [parsed] = parseScript(sql);
    const query = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
    const planned = new Planner(StreamEnvironment.create(), session.catalog).plan(query);
    assert.ok(planned.changes, `${sql}: an updating result`);
    assert.deepEqual(planned.uniqueKey, key, sql);
  }
});
