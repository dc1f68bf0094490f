/**
 * A window join whose ON has no equality key but the window's (nexmark q5's shape: the bounds and `num + 0 >= maxn`,
 * which planWindowMaxJoin.ts leaves to the window join) at
 * parallelism 2 on worker threads: the rows of parallelism 1, and the windows spread over both join
 * subtasks (keyed by window_end), where a constant key put every row on one.
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

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-join-parallel-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, "bids.csv");
{
  const random = seededRandom(5);
  const base = Date.UTC(2024, 0, 1);
  const lines = Array.from({ length: 4000 }, (_, i) => `${Math.floor(random() * 30)},${new Date(base + i * 25).toISOString().replace("T", " ").replace("Z", "")}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
}
const DDL = `CREATE TABLE bid (auction INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv');`;
const hop = "TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '1' SECOND, INTERVAL '5' SECOND))";
const Q5 = `SELECT A.auction, A.num, A.starttime FROM (SELECT auction, COUNT(*) AS num, window_start AS starttime, window_end AS endtime FROM ${hop} GROUP BY auction, window_start, window_end) A
  JOIN (SELECT MAX(C.num) AS maxn, C.starttime, C.endtime FROM (SELECT COUNT(*) AS num, window_start AS starttime, window_end AS endtime FROM ${hop} GROUP BY auction, window_start, window_end) C GROUP BY C.starttime, C.endtime) M
  ON A.starttime = M.starttime AND A.endtime = M.endtime AND A.num + 0 >= M.maxn`;

async function run(parallelism: number): Promise<{ rows: string[]; joinIn: number[] }> {
  const started = new Promise<JobHandle>((resolve) => {
    const stop = onJobStarted((job) => {
      stop();
      resolve(job);
    });
  });
  const results = await new SqlSession().execute(`${DDL}\nSET 'parallelism.default' = '${parallelism}';\n${Q5}`);
  const last = results.at(-1);
  assert.equal(last?.kind, "table");
  const join = (await started).metrics().operators.find((o) => o.name.startsWith("WindowJoin("));
  assert.ok(join, "the plan has a window join");
  return { rows: last.rows.map((r) => JSON.stringify(r)).sort(), joinIn: join.subtasks.map((s) => s.recordsIn) };
}

test("a window join keyed by nothing but the window gives p=1's rows at p=2 and spreads its windows over both subtasks", async () => {
  const one = await run(1);
  assert.ok(one.rows.length >= 100, `${one.rows.length} rows`);
  const two = await run(2);
  assert.deepEqual(two.rows, one.rows);
  assert.equal(two.joinIn.length, 2);
  const total = two.joinIn[0]! + two.joinIn[1]!;
  for (const n of two.joinIn) assert.ok(n > total / 4, `each join subtask takes a share of the rows: ${two.joinIn.join(" / ")}`);
});
