import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { formatTable, parseScript, StreamSqlError, SqlSession } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-"));
const csv = join(dir, "orders.csv");
writeFileSync(csv, "1,alice,10.5,2024-01-01 00:00:01.000\n2,bob,3.25,2024-01-01 00:00:04.000\n3,alice,7.0,2024-01-01 00:00:12.000\n");
const ddl = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');`;

function sqlError(fn: () => unknown): StreamSqlError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StreamSqlError, String(e));
    return e;
  }
  assert.fail("no error");
}

test("parse errors name the offending token with its line and column", () => {
  const e = sqlError(() => parseScript("SELECT a,\n  b FROM t WHERE\n  a >= ) "));
  assert.equal(e.kind, "parse");
  assert.deepEqual(e.position, { line: 3, column: 8 });
  assert.equal(e.token, ")");
  assert.match(e.message, /at "\)" \(line 3, column 8\)/);
  const u = sqlError(() => parseScript("SELECT 1 FROM t\nORDER BY a NULLS LATE"));
  assert.equal(u.kind, "parse");
  assert.deepEqual(u.position, { line: 2, column: 18 });
});

test("a script parses into typed statements", () => {
  const parsed = parseScript(`${ddl}\nCREATE VIEW v AS SELECT id, amount * 2 AS a2 FROM orders WHERE name LIKE 'a%';\nSHOW TABLES; DESCRIBE orders;\nDROP VIEW IF EXISTS v`);
  assert.deepEqual(
    parsed.map((p) => p.statement.kind),
    ["createTable", "createView", "showTables", "describe", "drop"],
  );
  const create = parsed[0]?.statement;
  assert.ok(create?.kind === "createTable");
  assert.deepEqual(
    create.columns.map((c) => `${c.name}:${c.type.name}`),
    ["id:INT", "name:STRING", "amount:DOUBLE", "ts:TIMESTAMP"],
  );
  assert.equal(create.options.format, "csv");
  assert.equal(create.watermark?.column, "ts");
});

test("DDL: catalog, SHOW TABLES, DESCRIBE, DROP, unknown tables and options", async () => {
  const s = new SqlSession();
  await s.execute(`${ddl} CREATE VIEW big AS SELECT id, name FROM orders WHERE amount > 5;`);
  const [show, desc] = await s.execute("SHOW TABLES; DESCRIBE orders");
  assert.ok(show?.kind === "table" && desc?.kind === "table");
  assert.deepEqual(show.rows, [["big"], ["orders"]]);
  assert.deepEqual(
    desc.rows.map((r) => r.slice(0, 2)),
    [
      ["id", "INT"],
      ["name", "STRING"],
      ["amount", "DOUBLE"],
      ["ts", "TIMESTAMP(3) *ROWTIME*"],
    ],
  );
  await s.execute("DROP VIEW big");
  await assert.rejects(s.execute("SELECT * FROM big"), /Object 'big' not found/);
  await assert.rejects(s.execute("CREATE TABLE x (a INT) WITH ('connector' = 'datagen', 'rows-per-secnd' = '5'); SELECT a FROM x"), /Unsupported options found for 'datagen': rows-per-secnd/);
  await assert.rejects(s.execute("SELECT nope FROM orders"), (e: unknown) => e instanceof StreamSqlError && e.token === "nope" && e.position?.column === 8);
});

test("projection, filter, CASE/CAST/string functions compiled once; UNION ALL", async () => {
  const s = new SqlSession();
  await s.execute(ddl);
  const [r] = await s.execute(`SELECT id, UPPER(name) AS n, amount * 2 AS a2, CASE WHEN amount > 5 THEN 'big' ELSE 'small' END AS size,
    CAST(id AS STRING) || '-' || SUBSTR(name, 1, 2) AS tag, id / 2 AS half FROM orders WHERE name <> 'nobody'
    UNION ALL SELECT id + 10, name, amount, 'u', 'x', 0 FROM orders WHERE id = 2`);
  assert.ok(r?.kind === "table");
  assert.deepEqual(
    r.columns.map((c) => c.name),
    ["id", "n", "a2", "size", "tag", "half"],
  );
  assert.deepEqual(
    r.rows.sort((a, b) => (a[0] as number) - (b[0] as number)),
    [
      [1, "ALICE", 21, "big", "1-al", 0],
      [2, "BOB", 6.5, "small", "2-bo", 1],
      [3, "ALICE", 14, "big", "3-al", 1],
      [12, "bob", 3.25, "u", "x", 0],
    ],
  );
  assert.match(formatTable(r.columns, r.rows.slice(0, 1)), /\| {2}1 \| ALICE \| 21\.0 \|/);
});

test("TUMBLE window aggregate: COUNT, SUM, MIN, MAX, AVG per window and key", async () => {
  const s = new SqlSession();
  await s.execute(ddl);
  const [r] = await s.execute(`SELECT window_start, window_end, name, COUNT(*) AS c, SUM(amount) AS s, MIN(id) AS lo, MAX(id) AS hi, AVG(id) AS a
    FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name HAVING COUNT(*) > 0`);
  assert.ok(r?.kind === "table");
  const t0 = Date.UTC(2024, 0, 1);
  assert.deepEqual(
    new Set(r.rows.map((x) => JSON.stringify(x))),
    new Set(
      [
        [t0, t0 + 10_000, "alice", 1, 10.5, 1, 1, 1],
        [t0, t0 + 10_000, "bob", 1, 3.25, 2, 2, 2],
        [t0 + 10_000, t0 + 20_000, "alice", 1, 7, 3, 3, 3],
      ].map((x) => JSON.stringify(x)),
    ),
  );
});

test("datagen sequence, INSERT INTO blackhole, unbounded datagen runs as a job", async () => {
  const s = new SqlSession();
  await s.execute(`CREATE TABLE g (n BIGINT, v INT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '5', 'fields.v.min' = '1', 'fields.v.max' = '3');
    CREATE TABLE sink (n BIGINT) WITH ('connector' = 'blackhole')`);
  const [sel, ins] = await s.execute("SELECT n * 10 AS m, v BETWEEN 1 AND 3 AS ok FROM g; INSERT INTO sink SELECT n FROM g");
  assert.ok(sel?.kind === "table");
  assert.deepEqual(
    sel.rows,
    [10, 20, 30, 40, 50].map((m) => [m, true]),
  );
  assert.equal(ins?.kind, "message");
  await new Promise((r) => setImmediate(r));
  assert.equal(s.jobs.length, 0, "finished jobs are not kept by the session");
  await s.execute("CREATE TABLE forever (v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '100')");
  const [job] = await s.execute("SELECT v FROM forever");
  assert.ok(job?.kind === "job");
  assert.deepEqual(s.jobs, [job.job]);
  await job.job.cancel();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.jobs.length, 0);
});

test("a blackhole table takes an updating result, as Flink's blackhole sink accepts any changelog", async () => {
  const s = new SqlSession();
  await s.execute(`${ddl}
    CREATE TABLE counts (name STRING, c BIGINT) WITH ('connector' = 'blackhole')`);
  const [ins] = await s.execute("INSERT INTO counts SELECT name, COUNT(*) FROM orders GROUP BY name");
  assert.equal(ins?.kind, "message");
});

test("an empty numeric CSV field fails as in Flink unless 'csv.null-literal' names it", async () => {
  const sparse = join(dir, "sparse.csv");
  writeFileSync(sparse, "1,\n2,4.5\n");
  const s = new SqlSession();
  await s.execute(`CREATE TABLE strict (id INT, v DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${sparse}', 'format' = 'csv');
    CREATE TABLE lenient (id INT, v DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${sparse}', 'format' = 'csv', 'csv.null-literal' = '')`);
  await assert.rejects(s.execute("SELECT id, v FROM strict"), /empty String/);
  const [r] = await s.execute("SELECT id, v * 2 AS d FROM lenient");
  assert.ok(r?.kind === "table");
  assert.deepEqual(r.rows, [
    [1, null],
    [2, 9],
  ]);
});

test("a print table takes an updating result and prints each change with its kind, as Flink's print connector", async () => {
  const s = new SqlSession();
  await s.execute(`${ddl}
    CREATE TABLE counts (name STRING, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'n')`);
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void lines.push(String(line));
  try {
    await s.execute("INSERT INTO counts SELECT name, COUNT(*) FROM orders GROUP BY name");
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["n> +I[alice, 1]", "n> +I[bob, 1]", "n> -U[alice, 1]", "n> +U[alice, 2]"]);
});
