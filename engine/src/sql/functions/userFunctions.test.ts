import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { registerFunctionClass, SqlSession, StreamSqlError, StreamTableEnvironment, type StatementResult } from "../index.js";

const T = `CREATE TABLE t (s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1', 'fields.s.length' = '1');\n`;
/** One row per literal: a bounded datagen table with the SELECT's constants (no input files). */
async function rows(session: SqlSession, select: string): Promise<unknown[][]> {
  const results = await session.execute(`${select}`);
  const last = results[results.length - 1] as Extract<StatementResult, { kind: "table" }>;
  return last.rows as unknown[][];
}

async function sqlError(run: () => Promise<unknown>): Promise<StreamSqlError> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof StreamSqlError, String(e));
    return e;
  }
  assert.fail("no error");
}

test("CREATE FUNCTION AS nexmark's CountChar class counts the UTF-8 bytes equal to the character's first, 0 for NULL, BIGINT NOT NULL", async () => {
  const session = new SqlSession();
  await session.execute(`${T}CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';`);
  assert.deepEqual(await rows(session, "SELECT count_char('abcabc', 'c'), count_char('ça c', 'c'), count_char(CAST(NULL AS STRING), 'c'), COUNT_CHAR('xyz', 'cz') FROM t"), [[2, 1, 0, 0]]);
  const describe = await session.execute("CREATE VIEW v AS SELECT count_char(s, 'a') AS n FROM t; DESCRIBE v");
  assert.deepEqual((describe[1] as Extract<StatementResult, { kind: "table" }>).rows[0]?.slice(0, 3), ["n", "BIGINT", "FALSE"]);
});

test("an unregistered class is an error naming it, at the class name's line and column; a bad statement is a parse error there", async () => {
  const session = new SqlSession();
  const e = await sqlError(() => session.execute("CREATE TEMPORARY FUNCTION f\n  AS 'com.acme.Missing' LANGUAGE JAVA"));
  assert.equal(e.kind, "validation");
  assert.match(e.message, /com\.acme\.Missing/);
  assert.deepEqual(e.position, { line: 2, column: 6 });
  const p = await sqlError(async () => session.execute("CREATE FUNCTION f AS com.acme.F"));
  assert.equal(p.kind, "parse");
  assert.deepEqual(p.position, { line: 1, column: 22 });
  const l = await sqlError(async () => session.execute("CREATE FUNCTION f AS 'x' LANGUAGE COBOL"));
  assert.deepEqual(l.position, { line: 1, column: 35 });
  const py = await sqlError(() => session.execute("CREATE FUNCTION f AS 'com.github.nexmark.flink.udf.CountChar' LANGUAGE PYTHON"));
  assert.equal(py.kind, "unsupported");
  assert.equal(session.catalog.functions.names().length, 0);
});

test("Flink's resolution order: TEMPORARY SYSTEM before the built-ins, then temporary, then catalog functions; DROP and SHOW per kind", async () => {
  const session = new SqlSession();
  registerFunctionClass("test.Shout", { resultType: "STRING", eval: (s: string | null) => (s === null ? null : `${s}!`) });
  registerFunctionClass("test.Whisper", { resultType: "STRING", eval: (s: string | null) => (s === null ? null : `${s}...`) });
  await session.execute(`${T}CREATE FUNCTION upper AS 'test.Shout'; CREATE FUNCTION IF NOT EXISTS default_catalog.default_database.loud AS 'test.Shout' USING JAR '/x.jar'`);
  assert.deepEqual(await rows(session, "SELECT UPPER('a'), loud('a') FROM t"), [["A", "a!"]], "a catalog function does not shadow a built-in");
  await session.execute("CREATE TEMPORARY FUNCTION loud AS 'test.Whisper'; CREATE TEMPORARY SYSTEM FUNCTION upper AS 'test.Whisper'");
  assert.deepEqual(await rows(session, "SELECT UPPER('a'), loud('a') FROM t"), [["a...", "a..."]]);
  const shown = await session.execute("SHOW USER FUNCTIONS; SHOW FUNCTIONS");
  assert.deepEqual((shown[0] as Extract<StatementResult, { kind: "table" }>).rows, [["loud"], ["upper"]]);
  assert.ok((shown[1] as Extract<StatementResult, { kind: "table" }>).rows.some((r) => r[0] === "hour"));
  await session.execute("DROP TEMPORARY SYSTEM FUNCTION upper; DROP TEMPORARY FUNCTION loud");
  assert.deepEqual(await rows(session, "SELECT UPPER('a'), loud('a') FROM t"), [["A", "a!"]]);
  await session.execute("DROP FUNCTION loud; DROP FUNCTION IF EXISTS loud");
  const gone = await sqlError(() => session.execute("DROP FUNCTION loud"));
  assert.match(gone.message, /loud does not exist/);
  const twice = await sqlError(() => session.execute("CREATE FUNCTION upper AS 'test.Shout'"));
  assert.match(twice.message, /already exists/);
  assert.equal((await sqlError(() => session.execute("SELECT loud('a') FROM t"))).kind, "unsupported");
});

test("a function registered from TypeScript (StreamTableEnvironment) is called by SQL with NULLs as null, typed by its resultType, arity checked", async () => {
  const session = new SqlSession();
  const tEnv = StreamTableEnvironment.create(StreamEnvironment.create(), session);
  class Clamp {
    readonly resultType = "DOUBLE";
    readonly argumentTypes = ["DOUBLE", "DOUBLE"];
    eval(x: number | null, hi: number): number | null {
      return x === null ? null : Math.min(x, hi);
    }
  }
  tEnv.createTemporarySystemFunction("clamp", Clamp);
  await session.execute(T);
  assert.deepEqual(await rows(session, "SELECT clamp(5.5, 2.0), clamp(1.0, 2.0) * 2, clamp(CAST(NULL AS DOUBLE), 1.0) FROM t"), [[2, 2, null]]);
  const arity = await sqlError(() => session.execute("SELECT clamp(1.0) FROM t"));
  assert.match(arity.message, /clamp\(DECIMAL\); it takes 2 arguments/);
  tEnv.createTemporarySystemFunction("clamp", { resultType: "INT", eval: () => 7 }); // a re-run cell replaces it
  assert.deepEqual(await rows(session, "SELECT clamp(1.0, 2.0) FROM t"), [[7]]);
  assert.equal(tEnv.dropTemporarySystemFunction("clamp"), true);
  assert.equal(tEnv.dropTemporarySystemFunction("clamp"), false);
  assert.throws(() => tEnv.createFunction("bad", { resultType: "NOT A TYPE", eval: () => 1 }), /resultType 'NOT A TYPE' is not a Flink type/);
});

test("a view resolves its functions when queried, as Flink's: a replaced function is the one called", async () => {
  const session = new SqlSession();
  const tEnv = StreamTableEnvironment.create(StreamEnvironment.create(), session);
  tEnv.createTemporarySystemFunction("tag", { resultType: "STRING", eval: () => "first" });
  await session.execute("CREATE TABLE n (i BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3')");
  const [view] = await session.execute("CREATE VIEW tagged AS SELECT tag() AS t FROM n");
  assert.equal(view?.kind, "message");
  tEnv.createTemporarySystemFunction("tag", { resultType: "STRING", eval: () => "second" });
  assert.deepEqual(await rows(session, "SELECT t FROM tagged"), [["second"], ["second"], ["second"]], "a view resolves functions when queried, as Flink's");
});

test("a query calling a function registered from TypeScript runs on one thread at parallelism 2", async () => {
  const session = new SqlSession();
  StreamTableEnvironment.create(StreamEnvironment.create(), session).createTemporarySystemFunction("twice", { resultType: "BIGINT", eval: (x: number) => x * 2 });
  const [, , result] = await session.execute(
    "SET 'parallelism.default' = '2'; CREATE TABLE n (i BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '4', 'fields.i.kind' = 'sequence', 'fields.i.start' = '1', 'fields.i.end' = '4'); SELECT SUM(twice(i)) AS s FROM n",
  );
  assert.equal(result?.kind, "table");
  assert.deepEqual((result as Extract<StatementResult, { kind: "table" }>).rows, [[20]]);
});

test("a function of a class Sluice ships reaches worker threads with the catalog's DDL (parallelism 2)", async () => {
  const session = new SqlSession();
  const [, , , result] = await session.execute(
    "SET 'parallelism.default' = '2'; CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'; CREATE TABLE n (i BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '4', 'fields.i.kind' = 'sequence', 'fields.i.start' = '1', 'fields.i.end' = '4'); SELECT SUM(count_char(CAST(i * 11 AS STRING), '1')) AS s FROM n",
  );
  assert.deepEqual((result as Extract<StatementResult, { kind: "table" }>).rows, [[2]]);
});

test("a view over a function registered from TypeScript does not stop another query running on worker threads", async () => {
  const session = new SqlSession();
  StreamTableEnvironment.create(StreamEnvironment.create(), session).createTemporaryFunction("twice", { resultType: "BIGINT", argumentTypes: ["BIGINT"], eval: (x: number) => x * 2 });
  const n = "CREATE TABLE n (i BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '4', 'fields.i.kind' = 'sequence', 'fields.i.start' = '1', 'fields.i.end' = '4')";
  const results = await session.execute(`SET 'parallelism.default' = '2'; ${n}; CREATE VIEW doubled AS SELECT twice(i) AS d FROM n; SELECT SUM(i) AS s FROM n; SELECT SUM(d) AS s FROM doubled`);
  assert.deepEqual(
    results.slice(3).map((r) => (r as Extract<StatementResult, { kind: "table" }>).rows),
    [[[10]], [[20]]],
  );
});
