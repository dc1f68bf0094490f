/**
 * SQL jobs whose subtasks run on worker threads (`SET 'parallelism.default'` above 1): the same rows
 * as on one thread, and for a window aggregate DuckDB's batch answer over the same file (the rows
 * are out of order by less than the watermark's bound, so no row is late and every window is the
 * plain GROUP BY of its rows). A failing operator on a worker fails the job, naming it, and the
 * session goes on.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { sql } from "../../connectors/duckdb/sharedDatabase.js";
import { UserFunctionError } from "../../errors/errors.js";
import { workerThreadsStarted } from "../../runtime/workers/workerPlacement.js";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Row } from "../connectors.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-parallel-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 6000;
const csv = join(dir, "events.csv");
{
  const random = seededRandom(11);
  const base = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const ts = new Date(base + i * 37 - Math.floor(random() * 800)).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${Math.floor(random() * 17)},${Math.floor(random() * 1000) - 500},${ts}`);
  }
  writeFileSync(csv, `${lines.join("\n")}\n`);
}
const DDL = `CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');`;

async function rows(parallelism: number, query: string): Promise<string[]> {
  const session = new SqlSession();
  const results = await session.execute(`${DDL}\nSET 'parallelism.default' = '${parallelism}';\n${query}`);
  const last = results.at(-1)!;
  assert.equal(last.kind, "table");
  return (last.rows as Row[]).map((r) => JSON.stringify(r)).sort();
}

test("a TUMBLE aggregate on 2 and 3 worker threads gives the rows of one thread and DuckDB's", async () => {
  const query =
    "SELECT window_start, k, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS lo, MAX(id) AS hi FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, k";
  const oracle = await sql`SELECT epoch_ms(time_bucket(INTERVAL 5 SECOND, ts)) AS w, k, COUNT(*)::INT AS c, SUM(v)::INT AS s, MIN(v)::INT AS lo, MAX(id)::INT AS hi
    FROM read_csv(${csv}, header = false, columns = {'id': 'INT', 'k': 'VARCHAR', 'v': 'INT', 'ts': 'TIMESTAMP'}) GROUP BY ALL`;
  const expected = oracle.map((r) => JSON.stringify([Number(r.w), r.k, r.c, r.s, r.lo, r.hi])).sort();
  assert.ok(expected.length > 500, `${expected.length} windows`);
  assert.deepEqual(await rows(1, query), expected);
  for (const parallelism of [2, 3]) {
    const before = workerThreadsStarted();
    assert.deepEqual(await rows(parallelism, query), expected, `parallelism ${parallelism}`);
    assert.equal(workerThreadsStarted() - before, 2, "two worker threads (the machine's cores, at most the parallelism)");
  }
});

test("an updating GROUP BY on worker threads folds to the table of one thread", async () => {
  const query = "SELECT k, COUNT(*) AS c, SUM(v) AS s, MAX(ts) AS last_ts FROM ev WHERE v > -300 GROUP BY k";
  assert.deepEqual(await rows(2, query), await rows(1, query));
});

test("an operator throwing on a worker fails the job naming operator and subtask; the session goes on", async () => {
  const session = new SqlSession();
  await session.execute(`${DDL}\nSET 'parallelism.default' = '2';`);
  await assert.rejects(session.execute("SELECT k, SUM(10 / (v - 7)) AS q FROM ev GROUP BY k"), (error: unknown) => {
    assert.ok(error instanceof UserFunctionError, String(error));
    assert.equal(error.context.operator, "GroupAggregate(groupBy=[k])");
    assert.ok(error.context.subtask === 0 || error.context.subtask === 1);
    assert.match(error.message, /\/ by zero/);
    return true;
  });
  const [after] = await session.execute("SELECT COUNT(*) AS n FROM ev");
  assert.deepEqual(after?.kind === "table" ? after.rows.at(-1) : undefined, [ROWS]);
});
