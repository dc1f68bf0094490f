import { test } from "node:test";
import assert from "node:assert/strict";
import { SqlDatabase, SqlError, statementOffsets } from "./SqlDatabase.js";

test("multiple statements run in order with parameters consumed across them", async () => {
  const db = await SqlDatabase.open();
  const r = await db.run("create table t(a int, b varchar); insert into t values (?, ?), (?, ?); select * from t where a > ? order by a", [1, "x", 2, "y", 0]);
  assert.deepEqual(r.values, [
    { a: 1, b: "x" },
    { a: 2, b: "y" },
  ]);
  assert.deepEqual(r.columns, [
    { name: "a", type: "INTEGER" },
    { name: "b", type: "VARCHAR" },
  ]);
  db.close();
});

test("64-bit counts become numbers unless a value would lose precision, in values and in rows", async () => {
  const db = await SqlDatabase.open();
  assert.deepEqual((await db.run("select count(*) as n from range(5)")).values, [{ n: 5 }]);
  const big = await db.run("select * from (values (1::BIGINT), (9007199254740993::BIGINT)) v(x)");
  assert.deepEqual(big.values, [{ x: 1n }, { x: 9007199254740993n }]);
  // The rows shown to people likewise: numbers where every value is exact, else strings throughout.
  assert.deepEqual((await db.run("select count(*) as n, sum(range) as s from range(5)")).rows, [{ n: 5, s: 10 }]);
  assert.deepEqual(big.rows, [{ x: "1" }, { x: "9007199254740993" }]);
  db.close();
});

test("an error names the failing statement and where it starts", async () => {
  const db = await SqlDatabase.open();
  await assert.rejects(db.run("select 1;\nselect nosuch from range(1)"), (e: unknown) => {
    assert.ok(e instanceof SqlError);
    assert.equal(e.statementIndex, 1);
    assert.equal(e.statementOffset, 9);
    assert.match(e.message, /nosuch/);
    return true;
  });
  db.close();
});

test("statement offsets ignore semicolons in strings and comments", () => {
  assert.deepEqual(statementOffsets("select ';'; -- a;b\nselect 2; select 3", 3), [0, 11, 28]);
});
