/**
 * A window aggregate (grouped by its window alone, or by keys over HOP) runs in one phase at parallelism 1 and in
 * two at p>1 (windows/localWindowAggregate.ts); the global phase holds the one phase's state under the one phase's uid
 * (restore/planUids.ts `uidAsAtParallelismOne`), so a savepoint taken at p=1 restores at p=2 and one taken
 * at p=2 restores at p=1: the file sink then holds the uninterrupted run's rows.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { onJobStarted } from "../../runtime/jobRegistry.js";
import { seededRandom } from "../../testing/chaosSource.js";
import { SqlSession } from "../SqlSession.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-two-phase-restore-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const N = 20_000;
const path = join(dir, "events.csv");
{
  const random = seededRandom(3);
  const base = Date.UTC(2024, 0, 1);
  const lines = Array.from(
    { length: N },
    (_, i) => `${i},${Math.floor(random() * 1000) - 500},${i % 7},${new Date(base + i * 37 - Math.floor(random() * 800)).toISOString().replace("T", " ").replace("Z", "")}`,
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
}
const DDL = `CREATE TABLE ev (id INT, v INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');`;
const SELECT = "SELECT window_start, COUNT(*) AS c, SUM(v) AS s, MAX(id) AS hi FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY window_start, window_end";
// A print sink (on the main thread, its lines caught here): without state, it restores at any parallelism (the
// collect and file sinks' state pins theirs).
const WINDOW_SINK = "CREATE TABLE out (window_start TIMESTAMP(3), c BIGINT, s INT, hi INT) WITH ('connector' = 'print');";
// Grouped by a key too (nexmark q5's shape): partials per (key, 2 s slice) at p>1.
const KEYED =
  "SELECT k, window_end, COUNT(*) AS c, SUM(v) AS s, MAX(id) AS hi FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) GROUP BY k, window_start, window_end";
// Its sink, and two phases at p>1 (AUTO's plan too; said here so the test keeps meaning it).
const KEYED_SETUP = "CREATE TABLE out (k INT, window_end TIMESTAMP(3), c BIGINT, s INT, hi INT) WITH ('connector' = 'print');\nSET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';";
const printed: string[] = [];
const log = console.log;
before(() => {
  console.log = (line: unknown) => void printed.push(String(line));
});
after(() => {
  console.log = log;
});
for (const [what, SETUP, QUERY, keys] of [
  ["a window-only aggregate's", WINDOW_SINK, `INSERT INTO out ${SELECT}`, 1],
  ["a HOP aggregate per key's", KEYED_SETUP, `INSERT INTO out ${KEYED}`, 7],
] as const)
  test(`${what} savepoint restores from p=1 at p=2 and from p=2 at p=1: the rows of the uninterrupted run`, async () => {
    const whole = new SqlSession();
    await whole.execute(`${DDL}\n${SETUP}\n${QUERY}`);
    const expected = printed.splice(0).sort();
    assert.ok(expected.length > 300 * keys, `${expected.length} windows`);
    for (const [seed, from, to] of [
      [1, 1, 2],
      [2, 2, 1],
    ] as const) {
      const session = new SqlSession({ checkpointDirectory: join(dir, `cp-${seed}`) });
      await session.execute(`${DDL}\n${SETUP}\nSET 'parallelism.default' = '${from}';`);
      const first = session.execute(QUERY);
      while (session.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
      const job = session.jobs[0]!;
      const cut = 2000 + Math.floor(seededRandom(seed)() * N * 0.3);
      const read = (j: JobHandle) => j.metrics().operators.reduce((n, o) => n + (o.kind === "source" ? o.recordsIn : 0), 0);
      while (read(job) < cut && job.result === undefined) await new Promise((r) => setTimeout(r, 1));
      assert.equal(job.result, undefined, `p=${from}: the job ended before the cut at row ${cut}`);
      await job.stop({ savepoint: "cut" });
      await first;
      const uid = (j: JobHandle) => j.metrics().operators.find((o) => /window aggregate|GlobalWindowAggregate/i.test(o.name))?.uid;
      await session.execute(`SET 'parallelism.default' = '${to}';`);
      const started = new Promise<JobHandle>((resolve) => {
        const stop = onJobStarted((j) => {
          stop();
          resolve(j);
        });
      });
      await session.execute(QUERY, { restoreFrom: "cut" });
      const restored = await started;
      assert.equal(uid(restored), uid(job), "the global phase has the one phase's uid");
      const phases = (j: JobHandle) => j.metrics().operators.filter((o) => /^(Local|Global)WindowAggregate/.test(o.name)).length;
      assert.equal(phases(from === 2 ? job : restored), 2, "two phases at p=2");
      const rest = read(restored);
      assert.ok(rest > 0 && rest < N, `p=${from} -> p=${to}: the restored job read ${rest} rows, from the savepoint's position`);
      assert.deepEqual(printed.splice(0).sort(), expected, `p=${from} -> p=${to}`);
    }
  });
