/**
 * Type rules as Flink 1.20.1 applies them (checked with test/flink-sql/cases/typeChecks.ts):
 * comparisons of unrelated types, INSERT column types, UNION ALL column types, integer division
 * by zero; and where errors point (connector options) and what DESCRIBE shows of a WATERMARK.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamSqlError } from "../errors.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-types-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function session(): Promise<SqlSession> {
  const csv = join(dir, "orders.csv");
  writeFileSync(csv, "1,alice,10.5,2024-01-01 00:00:01.000\n2,bob,0.0,2024-01-01 00:00:04.000\n");
  const s = new SqlSession();
  await s.execute(
    `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`,
  );
  return s;
}

const rejects = (s: SqlSession, sql: string, message: RegExp) => assert.rejects(s.execute(sql), (e: unknown) => e instanceof StreamSqlError && message.test(e.message), sql);

test("= between a number and a string is a validation error, as in Flink (not a silent FALSE)", async () => {
  const s = await session();
  await rejects(s, "SELECT id FROM orders WHERE id = '5'", /implicit type conversion between INTEGER and CHAR is not supported now/);
  await rejects(s, "SELECT id FROM orders WHERE name <> 5", /implicit type conversion between VARCHAR and INTEGER is not supported now/);
  await rejects(s, "SELECT id FROM orders WHERE ts = 5", /Cannot apply '=' to arguments of type '<TIMESTAMP\(3\)> = <INTEGER>'/);
  await rejects(s, "SELECT id FROM orders WHERE (id > 3) = 1", /Cannot apply '=' to arguments of type '<BOOLEAN> = <INTEGER>'/);
  // An ordering comparison casts the string to the number, as Flink: a string that is no number fails the job.
  const [ok] = await s.execute("SELECT id FROM orders WHERE CAST(id AS STRING) < 2");
  assert.deepEqual(ok?.kind === "table" && ok.rows, [[1]]);
  await assert.rejects(s.execute("SELECT id FROM orders WHERE name < id"), /For input string: 'alice'/);
});

test("integer division and MOD by zero fail the job with '/ by zero', as Flink; DOUBLE division gives Infinity", async () => {
  const s = await session();
  await assert.rejects(s.execute("SELECT id / 0 FROM orders"), /\/ by zero/);
  await assert.rejects(s.execute("SELECT MOD(id, 0) FROM orders"), /\/ by zero/);
  await assert.rejects(s.execute("SELECT id % (id - 1) FROM orders"), /\/ by zero/);
  const [d] = await s.execute("SELECT amount / 0 FROM orders WHERE id = 1");
  assert.deepEqual(d?.kind === "table" && d.rows, [[Number.POSITIVE_INFINITY]]);
});

test("UNION ALL of unrelated column types is a validation error, as Flink", async () => {
  const s = await session();
  await rejects(s, "SELECT name FROM orders UNION ALL SELECT id FROM orders", /Type mismatch in column 1 of UNION ALL/);
  await rejects(s, "SELECT id, name FROM orders UNION ALL SELECT id, ts FROM orders", /Type mismatch in column 2 of UNION ALL/);
  const [n] = await s.execute("SELECT id FROM orders UNION ALL SELECT amount FROM orders");
  assert.equal(n?.kind === "table" && n.columns[0]?.type.name, "DOUBLE");
});

test("INSERT INTO checks each column's type (implicit widening allowed), not only their number", async () => {
  const s = await session();
  await s.execute("CREATE TABLE sink (a BIGINT, b STRING) WITH ('connector' = 'blackhole')");
  await rejects(
    s,
    "INSERT INTO sink SELECT name, name FROM orders",
    /Incompatible types for sink column 'a' at position 0\. Query schema: \[name: STRING, name0: STRING\], sink schema: \[a: BIGINT, b: STRING\]/,
  );
  await rejects(s, "INSERT INTO sink SELECT id, ts FROM orders", /Incompatible types for sink column 'b' at position 1/);
  await s.execute("INSERT INTO sink SELECT id, name FROM orders"); // INT into BIGINT: an implicit cast
});

test("a connector option error points at the statement that uses the table", async () => {
  const s = await session();
  await s.execute("CREATE TABLE x (a INT) WITH ('connector' = 'datagen', 'rows-per-secnd' = '5')");
  await assert.rejects(s.execute("SELECT 1 AS one\nFROM orders;\nSELECT a\n  FROM x"), (e: unknown) => e instanceof StreamSqlError && e.position?.line === 4 && e.position.column === 8);
});

test("DESCRIBE shows the WATERMARK expression as declared", async () => {
  const s = await session();
  const [d] = await s.execute("DESCRIBE orders");
  assert.deepEqual(d?.kind === "table" && d.rows.map((r) => r[3]), [null, null, null, "`ts` - INTERVAL '2' SECOND"]);
});
