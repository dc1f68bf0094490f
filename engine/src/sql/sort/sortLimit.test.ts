/**
 * ORDER BY/LIMIT and the other dialect additions of session 8, on what the Flink oracle
 * (test/flink-sql/cases/dialectGaps.ts) cannot show: properties of an unbounded, out-of-order input
 * and Sluice's own plan-time errors. The results themselves are compared with Flink 1.20.1 there.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SqlSession, StreamSqlError } from "../index.js";

// 2,000 rows, their times out of order by up to 4 s, within the watermark's 5 s bound: the temporal sort must put every row back in order.
const dir = mkdtempSync(join(tmpdir(), "sluice-sort-"));
const csv = join(dir, "g.csv");
const time = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 100 - ((i * 7919) % 4000)).toISOString().replace("T", " ").replace("Z", "");
writeFileSync(csv, Array.from({ length: 2000 }, (_, n) => `${n + 1},${(n * 31) % 10},${time(n)}`).join("\n") + "\n");
const DDL = `CREATE TABLE g (id BIGINT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`;

test("ORDER BY a time attribute emits every row in time order, ties by the other keys", async () => {
  const s = new SqlSession();
  await s.execute(DDL);
  const [r] = await s.execute("SELECT id, k, ts FROM g ORDER BY ts, k DESC");
  assert.ok(r?.kind === "table");
  const rows = r.rows as [number, number, number][];
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1] as [number, number, number], rows[i] as [number, number, number]];
    assert.ok(a[2] < b[2] || (a[2] === b[2] && a[1] >= b[1]), `row ${i} out of order: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
  }
  // Rows later than a time already emitted would be dropped (Flink's RowTimeSortOperator); none are late here.
  assert.equal(rows.length, 2000);
});

test("LIMIT alone keeps the first rows; ORDER BY … LIMIT is a Top-N of the whole input", async () => {
  const s = new SqlSession();
  await s.execute(DDL);
  const [first] = await s.execute("SELECT id FROM g LIMIT 3");
  assert.ok(first?.kind === "table");
  assert.deepEqual(first.rows, [[1], [2], [3]]);
  const [top] = await s.execute("SELECT id, k FROM g ORDER BY id DESC LIMIT 2");
  assert.ok(top?.kind === "table");
  assert.deepEqual(top.rows.map((row) => row[0]).sort(), [1999, 2000]);
});

test("plan-time errors: ORDER BY off the time attribute, a DATE_FORMAT letter Sluice cannot write, FILTER off an aggregate", async () => {
  const s = new SqlSession();
  await s.execute(DDL);
  const fails = async (sql: string, message: RegExp, token: string | undefined) => {
    const e = await s.execute(sql).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(e instanceof StreamSqlError, `${sql}: ${String(e)}`);
    assert.match(e.message, message);
    assert.equal(e.token, token);
  };
  await fails("SELECT id FROM g ORDER BY k", /Sort on a non-time-attribute field is not supported/, undefined);
  await fails("SELECT DATE_FORMAT(ts, 'EEE yyyy') AS d FROM g", /pattern letter 'E' is not supported yet/, "EEE yyyy");
  await fails("SELECT COUNT(*) FILTER (WHERE k > 1) OVER (ORDER BY ts) AS c FROM g", /FILTER \(WHERE …\) OVER is not supported yet/, "FILTER");
});
