/**
 * The window Top-1 prune of q7 at parallelism 2 and 3 (subtasks on worker threads; joins/windowTopPrune.ts
 * says why each subtask's bound holds): the rows of parallelism 1 and of the regular join, and a stop with
 * a savepoint on the workers, restored, loses or repeats nothing. Late bids here sit at or below their
 * window's top price, so whether the aggregate counts them changes no window's maximum and the rows are
 * the same in every run (a file is scanned and watermarked by one reader, so they are late as at p=1:
 * parallel/lateRows.test.ts; the prune then runs on that reader's side, before the join's exchange).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import { workerStats } from "../../runtime/workers/workerPlacement.js";
import type { Row } from "../connectors.js";
import { SqlSession, type StatementResult } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-top-parallel-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const N = 20_000;
const file = join(dir, "bids.csv");
{
  const base = Date.UTC(2024, 0, 1);
  // Prices 0..999 scrambled (the running maximum rises several times per window); every 100th bid on a
  // window's end at the previous window's top price; from the 200th on, every 40th 15 s late, at its
  // window's top price (every 80th: it joins) or one below.
  const late = (i: number): boolean => i >= 200 && i % 40 === 39;
  const prices = Array.from({ length: N }, (_, i) => (i * 7919) % 1000);
  const top = (from: number): number => Math.max(...prices.slice(from, from + 100).filter((_, k) => !late(from + k)));
  for (let i = 100; i < N; i += 100) prices[i] = top(i - 100);
  for (let i = 239; i < N; i += 40) prices[i] = top(Math.floor((i - 150) / 100) * 100) - (i % 80 === 79 ? 0 : 1);
  const lines = prices.map((p, i) => `${i},${p},${new Date(base + i * 100 - (late(i) ? 15_000 : 0)).toISOString().replace("T", " ").replace("Z", "")}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
}
const DDL = `CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv');`;
const q7 = (end = "window_end") =>
  `SELECT B.auction, B.price, B.dateTime FROM bid B JOIN (SELECT MAX(price) AS best, ${end} AS dateTime FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) B1 ON B.price = B1.best WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`;

function tableRows(result: StatementResult | undefined): Row[] {
  assert.equal(result?.kind, "table");
  return result.rows;
}
const sorted = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/** The query's rows at `parallelism`, and whether its job had the prune. */
async function rows(parallelism: number, query = q7()): Promise<string[]> {
  const session = new SqlSession();
  const results = await session.execute(`${DDL}\nSET 'parallelism.default' = '${parallelism}';\n${query}`);
  // The prune's keyed edge into the join crosses threads (a p=1 job runs on the main thread: no edges).
  pruned = workerStats().edges.some((e) => e.edge.includes("WindowTopPrune("));
  return sorted(tableRows(results.at(-1)));
}
let pruned = false;

test("q7 with the prune at parallelism 2 and 3 (worker threads) gives the rows of parallelism 1 and of the regular join", async () => {
  // An expression over window_end keeps the join a regular one, without the prune.
  const regular = await rows(1, q7("window_end + INTERVAL '0' SECOND"));
  assert.ok(regular.length >= 100, `${regular.length} rows`);
  assert.ok(regular.filter((r) => (JSON.parse(r)[0] as number) % 80 === 79).length >= 50, "late bids at their window's top price join");
  assert.deepEqual(await rows(1), regular, "p=1");
  const jobs = workerStats().jobs;
  for (const p of [2, 3]) {
    assert.deepEqual(await rows(p), regular, `p=${p}`);
    assert.ok(pruned, `p=${p}: the job has the prune`);
  }
  assert.equal(workerStats().jobs, jobs + 2, "both ran on worker threads");
});

test("q7 with the prune on workers at parallelism 2, stopped with a savepoint at a random row and restored, gives the uninterrupted rows", async () => {
  const expected = await rows(1);
  for (const seed of [1, 2]) {
    const session = new SqlSession({ checkpointDirectory: join(dir, `cp-${seed}`) });
    await session.execute(`${DDL}\nSET 'parallelism.default' = '2';`);
    const first = session.execute(q7());
    while (session.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
    const job = session.jobs[0]!;
    const cut = 500 + Math.floor(seededRandom(seed)() * N * 0.4);
    const read = () => job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);
    while (read() < cut && job.result === undefined) await new Promise((r) => setTimeout(r, 1));
    assert.equal(job.result, undefined, `seed ${seed}: the job ended before the cut at row ${cut}`);
    await job.stop({ savepoint: "cut" });
    const before = tableRows((await first).at(-1));
    const jobs = workerStats().jobs;
    const after = tableRows((await session.execute(q7(), { restoreFrom: "cut" })).at(-1));
    assert.equal(workerStats().jobs, jobs + 1, "restored on worker threads");
    assert.ok(after.length > 0, `seed ${seed}: nothing left after the savepoint`);
    assert.deepEqual(sorted([...before, ...after]), expected, `seed ${seed}: ${before.length} + ${after.length} rows`);
  }
});
