/**
 * `'connector' = 'duckdb'`: INSERT INTO a table of the shared DuckDB database that `%%sql` cells
 * query — append without a PRIMARY KEY, upsert by it with one, and an updating GROUP BY applied as
 * upserts and deletes. The oracle for the final table is DuckDB's own GROUP BY over the same CSV.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { sql } from "../connectors/duckdb/sharedDatabase.js";
import { seededRandom } from "../testing/chaosSource.js";
import { SqlSession } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-duckdb-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function input(name: string, n: number): string {
  const rng = seededRandom(7);
  const lines = Array.from({ length: n }, () => `k${Math.floor(rng() * 20)},${Math.floor(rng() * 100)}`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const source = (csv: string): string => `CREATE TABLE src (k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');\n`;

test("INSERT of an append query into a duckdb table appends every row", async () => {
  const csv = input("append.csv", 500);
  const session = new SqlSession();
  await session.execute(`${source(csv)}CREATE TABLE out_rows (k STRING, v INT) WITH ('connector' = 'duckdb', 'table-name' = 'sql_append');\nINSERT INTO out_rows SELECT k, v FROM src WHERE v >= 50`);
  const got = await sql`SELECT k, v::INT AS v FROM sql_append ORDER BY k, v`;
  const want = await sql`SELECT column0 AS k, column1::INT AS v FROM read_csv(${csv}, header = false, columns = {'column0': 'VARCHAR', 'column1': 'INT'}) WHERE column1 >= 50 ORDER BY k, v`;
  assert.equal(got.length, want.length);
  assert.deepEqual(got, want);
});

test("INSERT of an updating GROUP BY into a duckdb table with PRIMARY KEY upserts +I/+U and deletes -D; the table equals DuckDB's GROUP BY", async () => {
  const csv = input("group.csv", 2000);
  const session = new SqlSession();
  await session.execute(
    `${source(csv)}CREATE TABLE per_key (k STRING, n BIGINT, hi INT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'duckdb');\n` +
      "INSERT INTO per_key SELECT k, COUNT(*) AS n, MAX(v) AS hi FROM src GROUP BY k HAVING SUM(v) < 5000",
  );
  const got = await sql`SELECT k, n::BIGINT AS n, hi::INT AS hi FROM per_key ORDER BY k`;
  const want =
    await sql`SELECT column0 AS k, COUNT(*)::BIGINT AS n, MAX(column1)::INT AS hi FROM read_csv(${csv}, header = false, columns = {'column0': 'VARCHAR', 'column1': 'INT'}) GROUP BY k HAVING SUM(column1) < 5000 ORDER BY k`;
  assert.ok(want.length > 0 && want.length < 20, `HAVING keeps some groups and drops others (kept ${want.length})`);
  assert.deepEqual(got, want);
});

test("an updating query into a duckdb table without a PRIMARY KEY fails as in Flink; an ENFORCED key fails to parse", async () => {
  const session = new SqlSession();
  await assert.rejects(
    session.execute(`${source(input("x.csv", 3))}CREATE TABLE nokey (k STRING, n BIGINT) WITH ('connector' = 'duckdb');\nINSERT INTO nokey SELECT k, COUNT(*) FROM src GROUP BY k`),
    /doesn't support consuming update changes/,
  );
  await assert.rejects(session.execute("CREATE TABLE e (k STRING, PRIMARY KEY (k)) WITH ('connector' = 'duckdb')"), /NOT ENFORCED mode/);
});
