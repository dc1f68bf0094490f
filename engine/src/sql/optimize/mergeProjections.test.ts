/**
 * View merging: a projection and filter over a view run as one Calc (WHERE and SELECT) over the view's
 * input (as Flink's planner merges them), with the outer query's column names and the same rows.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SqlSession } from "../SqlSession.js";

function session(): { sql: (s: string) => Promise<unknown[][]>; explain: (s: string) => Promise<string>; ddl: string } {
  const path = join(mkdtempSync(join(tmpdir(), "sluice-merge-")), "t.csv");
  writeFileSync(path, "1,0\n2,5\n3,1\n-4,7\n");
  const ddl = `CREATE TABLE t (a INT, b INT) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');
CREATE VIEW v AS SELECT a, b * 2 AS b2, a + b FROM t WHERE a > 0;
`;
  const s = new SqlSession();
  return {
    ddl,
    sql: async (q) => {
      const r = await s.execute(q);
      return (r[r.length - 1] as { rows: unknown[][] }).rows;
    },
    explain: async (q) => {
      const r = await s.execute(`EXPLAIN ${q}`);
      return (r[r.length - 1] as { text: string }).text;
    },
  };
}

test("a SELECT … WHERE over a view runs as one Calc, with the outer names and the same rows", async () => {
  const s = session();
  await s.sql(s.ddl);
  const plan = await s.explain("SELECT b2 + 1 AS c, * FROM v WHERE b2 > 1");
  assert.equal((plan.match(/\] Calc(#\d+)?,/g) ?? []).length, 1, plan);
  assert.equal((plan.match(/\] (WHERE|SELECT)(#\d+)?,/g) ?? []).length, 0, plan);
  assert.match(plan, /\(c INT, a INT, b2 INT, EXPR\$2 INT\)/);
  // a > 0 from the view, b2 > 1 from the query: rows (2, 5) and (3, 1).
  assert.deepEqual(await s.sql("SELECT b2 + 1 AS c, * FROM v WHERE b2 > 1"), [
    [11, 2, 10, 7],
    [3, 3, 2, 4],
  ]);
  // The query's WHERE never sees a row the view's WHERE dropped (a = -4 would make 10 / a < 0 true).
  assert.deepEqual(await s.sql("SELECT a FROM v WHERE 10 / a < 0"), []);
  assert.deepEqual(await s.sql("SELECT V.a, b2 FROM v AS V"), [
    [1, 0],
    [2, 10],
    [3, 2],
  ]);
});
