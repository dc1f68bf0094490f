/**
 * A window aggregate's row in its SELECT list's order (windowAggregate.ts `outputRow`): a SELECT list that
 * shows every group column and aggregate once needs no SELECT operator after the aggregate, and every other
 * reader of that (shared) aggregate — a subset of its columns, HAVING, an expression — still reads the
 * right columns of that row. Rows against Flink's own for these shapes: test/flink-sql/cases/cascadedWindows.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-layout-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const t0 = Date.UTC(2024, 0, 1);
/** [id, k, ms after t0]: two 10 s windows, keys a (3 rows, then 1), b (1, then 2). */
const EVENTS: [number, string, number][] = [
  [1, "a", 1000],
  [2, "b", 2000],
  [3, "a", 3000],
  [4, "a", 9000],
  [5, "b", 11000],
  [6, "a", 12000],
  [7, "b", 14000],
];

async function session(): Promise<SqlSession> {
  const csv = join(dir, "ev.csv");
  writeFileSync(csv, `${EVENTS.map(([id, k, ms]) => `${id},${k},${new Date(t0 + ms).toISOString().replace("T", " ").replace("Z", "")}`).join("\n")}\n`);
  const s = new SqlSession();
  await s.execute(`CREATE TABLE ev (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`);
  return s;
}

async function operators(s: SqlSession, sql: string): Promise<string[]> {
  const last = (await s.execute(`EXPLAIN ${sql}`)).at(-1);
  assert.ok(last?.kind === "message");
  return last.text.split("\n").filter((l) => /^\[\d+\]/.test(l));
}

async function rows(s: SqlSession, sql: string): Promise<string[]> {
  const [r] = await s.execute(sql);
  assert.ok(r?.kind === "table");
  return r.rows.map((x) => JSON.stringify(x)).sort();
}

const COUNTS = "SELECT k, COUNT(*) AS c, window_start AS st, window_end AS e FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end";
const show = (...xs: unknown[][]) => xs.map((x) => JSON.stringify(x)).sort();

test("a window aggregate whose SELECT list is its group columns and aggregates in another order plans no SELECT after it, its rows in that order", async () => {
  const s = await session();
  const plan = await operators(s, COUNTS);
  assert.ok(!plan.some((l) => / SELECT, /.test(l)), plan.join("\n"));
  const [w1, w2] = [t0 + 10_000, t0 + 20_000];
  assert.deepEqual(await rows(s, COUNTS), show(["a", 3, t0, w1], ["b", 1, t0, w1], ["a", 1, w1, w2], ["b", 2, w1, w2]));
  // A subset, an expression, HAVING: a SELECT over the aggregate's row, as before.
  assert.deepEqual(
    await rows(s, "SELECT window_end, COUNT(*) + 1 AS c1 FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end HAVING COUNT(*) > 1"),
    show([w1, 4], [w2, 3]),
  );
});

test("every reader of one shared window aggregate reads its own columns of the operator's row (nexmark q5's shape)", async () => {
  const s = await session();
  // COUNTS twice: the join's left side shows all of it in its order (the operator's), the MAX's input only c, st, e.
  const q5 = `SELECT B.k, B.c, B.e FROM (${COUNTS}) AS B JOIN (SELECT MAX(M.c) AS maxc, M.st, M.e FROM (SELECT c, st, e FROM (${COUNTS})) AS M GROUP BY M.st, M.e) AS X
    ON B.st = X.st AND B.e = X.e AND B.c >= X.maxc`;
  const plan = await operators(s, q5);
  assert.equal(plan.filter((l) => / window aggregate(#\d+)?, /.test(l)).length, 2, plan.join("\n"));
  assert.deepEqual(await rows(s, q5), show(["a", 3, t0 + 10_000], ["b", 2, t0 + 20_000]));
});
