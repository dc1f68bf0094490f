/**
 * Nexmark q5's join of per-auction counts with their windows' MAX as one operator (planWindowMaxJoin.ts):
 * the rows of Flink's plan (the same query with a condition the rule leaves alone: `num + 0 >= maxn`), at
 * parallelism 1 and 2 on worker threads; at 2 the counts below each subtask's best stay on their subtask.
 * Against Flink itself: test/flink-sql/cases/windowMaxJoin.ts; the random-cut restore: cascadedWindows.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { onJobStarted } from "../../runtime/jobRegistry.js";
import { seededRandom } from "../../testing/chaosSource.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-max-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, "bids.csv");
{
  const random = seededRandom(7);
  const base = Date.UTC(2024, 0, 1);
  // Skewed auctions (a few hot ones, many with a bid or two), 25 ms apart, a few late.
  const lines = Array.from({ length: 4000 }, (_, i) => {
    const late = i % 397 === 396 ? 6000 : 0;
    return `${Math.floor(random() * random() * 60)},${new Date(base + i * 25 - late).toISOString().replace("T", " ").replace("Z", "")}`;
  });
  writeFileSync(file, `${lines.join("\n")}\n`);
}
const DDL = `CREATE TABLE bid (auction BIGINT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv');`;
const hop = "TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '1' SECOND, INTERVAL '5' SECOND))";
const q5 = (
  condition: string,
) => `SELECT A.auction, A.num, A.starttime FROM (SELECT auction, COUNT(*) AS num, window_start AS starttime, window_end AS endtime FROM ${hop} GROUP BY auction, window_start, window_end) A
  JOIN (SELECT MAX(C.num) AS maxn, C.starttime, C.endtime FROM (SELECT COUNT(*) AS num, window_start AS starttime, window_end AS endtime FROM ${hop} GROUP BY auction, window_start, window_end) C GROUP BY C.starttime, C.endtime) M
  ON A.starttime = M.starttime AND A.endtime = M.endtime AND ${condition}`;
const FUSED = q5("A.num >= M.maxn");
const FLINKS = q5("A.num + 0 >= M.maxn");

async function explain(parallelism: number, sql: string): Promise<string[]> {
  const last = (await new SqlSession().execute(`${DDL}\nSET 'parallelism.default' = '${parallelism}';\nEXPLAIN ${sql}`)).at(-1);
  assert.ok(last?.kind === "message");
  return last.text.split("\n").filter((l) => /^\[\d+\]/.test(l));
}

async function run(parallelism: number, sql: string): Promise<{ rows: string[]; operators: { name: string; in: number[]; out: number[] }[] }> {
  const started = new Promise<JobHandle>((resolve) => {
    const stop = onJobStarted((job) => {
      stop();
      resolve(job);
    });
  });
  const results = await new SqlSession().execute(`${DDL}\nSET 'parallelism.default' = '${parallelism}';\n${sql}`);
  const last = results.at(-1);
  assert.equal(last?.kind, "table");
  const operators = (await started).metrics().operators.map((o) => ({ name: o.name, in: o.subtasks.map((s) => s.recordsIn), out: o.subtasks.map((s) => s.recordsOut) }));
  return { rows: last.rows.map((r) => JSON.stringify(r)).sort(), operators };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test("q5's join with its windows' MAX is one operator, with a prune ahead of its exchange at p>1; other conditions keep Flink's plan", async () => {
  const one = await explain(1, FUSED);
  assert.ok(
    one.some((l) => l.includes("WindowMaxJoin(fused=[Sluice's WindowAggregate + WindowJoin], joinType=[InnerJoin]")),
    one.join("\n"),
  );
  assert.equal(one.filter((l) => / window aggregate(#\d+)?, /.test(l)).length, 1, one.join("\n"));
  assert.ok(!one.some((l) => l.includes("WindowMaxPrune") || l.includes("WindowJoin(")), one.join("\n"));
  const two = await explain(2, FUSED);
  assert.ok(two.some((l) => l.includes("WindowMaxPrune")) && two.some((l) => l.includes("WindowMaxJoin(")), two.join("\n"));
  for (const condition of ["A.num + 0 >= M.maxn", "A.num <= M.maxn", "A.num >= M.maxn AND A.auction > 3"]) {
    const plan = await explain(2, q5(condition));
    assert.ok(plan.some((l) => l.includes("WindowJoin(")) && !plan.some((l) => l.includes("WindowMax")), `${condition}:\n${plan.join("\n")}`);
  }
});

test("the fused join gives Flink's plan's rows at p=1 and p=2, and at p=2 sends on few of the counts", async () => {
  const expected = await run(1, FLINKS);
  assert.ok(expected.rows.length >= 50, `${expected.rows.length} rows`);
  const one = await run(1, FUSED);
  assert.deepEqual(one.rows, expected.rows);
  const two = await run(2, FUSED);
  assert.deepEqual(two.rows, expected.rows);
  // The counts' operator: its global phase at p>1 (Flink's two-phase plan of q5's counts).
  const counts = two.operators.find((o) => o.name === "GlobalWindowAggregate");
  const fused = two.operators.find((o) => o.name.startsWith("WindowMaxJoin("));
  assert.ok(counts && fused, two.operators.map((o) => o.name).join(", "));
  const [made, joined] = [sum(counts.out), sum(fused.in)];
  assert.ok(made > 1000 && joined * 5 < made, `counts made ${made}, into the join ${joined}`);
  assert.ok(
    fused.in.every((n) => n > joined / 4),
    `each subtask joins a share of the windows: ${fused.in.join(" / ")}`,
  );
});
