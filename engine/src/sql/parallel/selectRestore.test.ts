/**
 * A bounded SELECT (its rows collected for the cell's table) stopped with a savepoint at parallelism 1 and
 * resumed at 2, and at 2 resumed at 1: the two runs' rows are the uninterrupted run's. The collecting sink
 * runs at parallelism 1 whatever the query's (as the result views do), so its state (the rows it holds, for
 * a restart's rollback) does not pin the savepoint to one parallelism.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Row } from "../connectors.js";
import { type StatementResult, SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-select-restore-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const N = 20_000;
const path = join(dir, "events.csv");
{
  const random = seededRandom(7);
  const base = Date.UTC(2024, 0, 1);
  const lines = Array.from({ length: N }, (_, i) => `${i},k${Math.floor(random() * 13)},${new Date(base + i * 37 - Math.floor(random() * 800)).toISOString().replace("T", " ").replace("Z", "")}`);
  writeFileSync(path, `${lines.join("\n")}\n`);
}
const DDL = `CREATE TABLE ev (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');`;
const SELECT = "SELECT k, window_start, COUNT(*) AS c, MAX(id) AS hi FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end";
const rowsOf = (r: StatementResult | undefined): string[] => {
  assert.equal(r?.kind, "table");
  return (r.rows as Row[]).map((row) => JSON.stringify(row));
};

test("a bounded SELECT's savepoint at p=1 resumes at p=2 and at p=2 resumes at p=1: the uninterrupted run's rows", async () => {
  const expected = rowsOf((await new SqlSession().execute(`${DDL}\n${SELECT}`)).at(-1)).sort();
  for (const [from, to] of [
    [1, 2],
    [2, 1],
  ] as const) {
    const session = new SqlSession({ checkpointDirectory: join(dir, `cp-${from}-${to}`) });
    await session.execute(`${DDL}\nSET 'parallelism.default' = '${from}';`);
    const first = session.execute(SELECT);
    while (session.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
    const job = session.jobs[0] as JobHandle;
    const cut = 2000 + Math.floor(seededRandom(from * 10 + to)() * N * 0.3);
    const read = () => job.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);
    while (read() < cut && job.result === undefined) await new Promise((r) => setTimeout(r, 1));
    assert.equal(job.result, undefined, `p=${from}: the job ended before the cut at row ${cut}`);
    await job.stop({ savepoint: "cut" });
    const before = rowsOf((await first).at(-1));
    await session.execute(`SET 'parallelism.default' = '${to}';`);
    const rest = rowsOf((await session.execute(SELECT, { restoreFrom: "cut" })).at(-1));
    assert.ok(rest.length > 0 && rest.length < expected.length, `p=${from} -> p=${to}: ${rest.length} rows after the savepoint`);
    assert.deepEqual([...before, ...rest].sort(), expected, `p=${from} -> p=${to}`);
  }
});
