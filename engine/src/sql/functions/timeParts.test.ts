import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SqlSession, StreamSqlError, type StatementResult } from "../index.js";

const T = "CREATE TABLE t (i INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\n";

async function row(select: string): Promise<unknown[]> {
  const results = await new SqlSession().execute(`${T}${select}`);
  return ((results[results.length - 1] as Extract<StatementResult, { kind: "table" }>).rows[0] ?? []) as unknown[];
}

test("HOUR, MINUTE, SECOND and the date parts of a TIMESTAMP, as Flink's EXTRACT shorthands (BIGINT; DAYOFWEEK 1 = Sunday; WEEK is ISO)", async () => {
  const ts = "CAST('2021-01-03 23:59:58.999' AS TIMESTAMP(3))"; // a Sunday, in ISO week 53 of 2020
  assert.deepEqual(
    await row(`SELECT HOUR(${ts}), MINUTE(${ts}), SECOND(${ts}), YEAR(${ts}), QUARTER(${ts}), MONTH(${ts}), WEEK(${ts}), DAYOFYEAR(${ts}), DAYOFMONTH(${ts}), DAYOFWEEK(${ts}) FROM t`),
    [23, 59, 58, 2021, 1, 1, 53, 3, 3, 1],
  );
  const leap = "CAST('2024-12-31 08:00:00' AS TIMESTAMP(3))"; // a Tuesday, ISO week 1 of 2025
  assert.deepEqual(await row(`SELECT HOUR(${leap}), QUARTER(${leap}), WEEK(${leap}), DAYOFYEAR(${leap}), DAYOFWEEK(${leap}), HOUR(CAST(NULL AS TIMESTAMP(3))) FROM t`), [8, 4, 1, 366, 3, null]);
});

test("the date parts of a DATE; HOUR of a DATE or a STRING is a validation error at the call", async () => {
  const csv = join(mkdtempSync(join(tmpdir(), "sluice-timeparts-")), "d.csv");
  writeFileSync(csv, "2024-02-29\n");
  const results = await new SqlSession().execute(
    `CREATE TABLE d (d DATE) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv'); SELECT YEAR(d), MONTH(d), DAYOFMONTH(d), DAYOFWEEK(d), WEEK(d) FROM d`,
  );
  assert.deepEqual((results[1] as Extract<StatementResult, { kind: "table" }>).rows, [[2024, 2, 29, 5, 9]]);
  await assert.rejects(
    () => new SqlSession().execute(`${T}SELECT\n HOUR('x') FROM t`),
    (e: unknown) => e instanceof StreamSqlError && e.kind === "validation" && e.position?.line === 3 && /Cannot apply 'HOUR'/.test(e.message),
  );
});

test("EXTRACT(unit FROM temporal) is the time part of that unit (DAY, DOY, DOW included); an unknown unit is a parse error there", async () => {
  const ts = "CAST('2021-01-03 23:59:58.999' AS TIMESTAMP(3))";
  assert.deepEqual(await row(`SELECT EXTRACT(HOUR FROM ${ts}), EXTRACT(day FROM ${ts}), EXTRACT(DOY FROM ${ts}), EXTRACT(DOW FROM ${ts}), EXTRACT(YEAR FROM ${ts}) + 1 FROM t`), [23, 3, 3, 1, 2022]);
  await assert.rejects(
    () => new SqlSession().execute(`${T}SELECT EXTRACT(EPOCH FROM ${ts}) FROM t`),
    (e: unknown) => e instanceof StreamSqlError && e.kind === "parse" && e.position?.column === 16 && e.token === "EPOCH",
  );
});
