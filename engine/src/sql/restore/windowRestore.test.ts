/**
 * Random-cut restore of SQL window aggregates (TUMBLE, HOP, CUMULATE, SESSION; one aggregate or several), as
 * groupAggregate.test.ts does for GROUP BY: each query runs uninterrupted once, then per seed it is
 * stopped with a savepoint once the source has read a random number of rows (records still in flight
 * between the source and the window operator, windows open, timers pending), restored under its
 * plan-derived uids, and the rows of both runs together must be the uninterrupted run's: none lost,
 * none twice. Three seeds by default; SLUICE_CONFORMANCE_SEEDS=N for N. The TUMBLE query runs a
 * second time into a filesystem table (two-phase commit: part files hidden until their checkpoint
 * completes, an in-progress file resumed at its savepointed length): the committed files of the cut
 * and restored runs together must hold exactly the uninterrupted run's rows.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../testing/chaosSource.js";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { configureAggPhaseStrategy } from "../windows/aggPhaseStrategy.js";
import { checkRandomCutRestore } from "./randomCutRestore.js";
import { SqlSession } from "../SqlSession.js";
import { fileSystemSink } from "../connectors/filesystem/fileSystemSink.js";
import { visibleLines } from "../connectors/filesystem/visibleLines.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-restore-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 20_000;
const WINDOW = "FROM TABLE({tvf}) GROUP BY window_start, window_end, k";
const AGGS = "SELECT window_start, window_end, k, COUNT(*) AS c, SUM(v) AS s, MIN(v) AS lo, MAX(id) AS hi, AVG(v) AS a ";
const QUERIES: Record<string, string> = {
  TUMBLE: AGGS + WINDOW.replace("{tvf}", "TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)"),
  HOP: AGGS + WINDOW.replace("{tvf}", "HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)"),
  CUMULATE: AGGS + WINDOW.replace("{tvf}", "CUMULATE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '8' SECOND)"),
  SESSION: AGGS + WINDOW.replace("{tvf}", "SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)"),
  // One COUNT/SUM/MIN/MAX keyed by one column or none: the accumulator is the value alone (windows/scalarAccumulator.ts).
  "HOP COUNT": "SELECT window_start, window_end, k, COUNT(*) AS c " + WINDOW.replace("{tvf}", "HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)"),
  "TUMBLE MAX": "SELECT window_start, window_end, MAX(v) AS hi FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end",
};

/** Rows 37 ms apart in event time, up to 800 ms out of order, with a pause now and then (sessions close), and a few late rows. */
function writeEvents(path: string): void {
  const random = seededRandom(7);
  const base = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  let t = base;
  for (let i = 0; i < ROWS; i++) {
    t += 37 + (i % 500 === 499 ? 3000 : 0);
    const late = i % 997 === 996 ? 5000 : 0;
    const ts = new Date(t - Math.floor(random() * 800) - late).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${(i * 7919) % 13},${Math.floor(random() * 1000)},${ts}`);
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

test("window aggregates stopped with a savepoint at random moments and restored give exactly the uninterrupted rows", async () => {
  const csv = join(dir, "events.csv");
  writeEvents(csv);
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`,
  );
  for (const [name, sql] of Object.entries(QUERIES)) {
    const rows = await checkRandomCutRestore(session.catalog, sql, dir, { seeds: 3, sourceRows: ROWS, name: `window-restore ${name}` });
    assert.ok(rows.length > 100, `${name}: ${rows.length} rows`);
  }
  await session.execute(
    `CREATE TABLE fs_out (window_start TIMESTAMP(3), window_end TIMESTAMP(3), k STRING, c BIGINT, s INT, lo INT, hi INT, a INT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "fs")}', 'format' = 'csv', 'sink.rolling-policy.file-size' = '2kb')`,
  );
  const table = session.catalog.get("fs_out");
  if (table?.kind !== "table") assert.fail("no fs_out");
  const into = (run: string) => {
    const path = join(dir, "fs", run);
    return { sink: fileSystemSink({ ...table, options: { ...table.options, path } }), read: () => visibleLines(path) };
  };
  const rows = await checkRandomCutRestore(session.catalog, QUERIES.TUMBLE as string, dir, { seeds: 3, sourceRows: ROWS, name: "window-restore TUMBLE into filesystem", into });
  assert.ok(rows.length > 100, `TUMBLE into filesystem: ${rows.length} rows`);
});

test("window aggregates grouped by keys at parallelism 2 (two phases: partials per key and slice) restored at random cuts give exactly the uninterrupted rows", async () => {
  const csv = join(dir, "events-p2.csv");
  writeEvents(csv);
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv')`,
  );
  const options = { "table.optimizer.agg-phase-strategy": "TWO_PHASE" };
  for (const name of ["TUMBLE", "HOP", "HOP COUNT"]) {
    const sql = QUERIES[name] as string;
    const [parsed] = parseScript(sql);
    const env = StreamEnvironment.create({ parallelism: 2 });
    configureAggPhaseStrategy(env, new Map(Object.entries(options)));
    if (parsed?.statement.kind !== "query") assert.fail("not a query");
    new Planner(env, session.catalog).plan(parsed.statement.query);
    assert.ok(
      env.graph.all().some((n) => n.name === "LocalWindowAggregate"),
      `${name} at p=2 plans two phases`,
    );
    const rows = await checkRandomCutRestore(session.catalog, sql, dir, { seeds: 3, sourceRows: ROWS, name: `window-restore ${name} p=2`, parallelism: 2, options });
    assert.ok(rows.length > 100, `${name} at p=2: ${rows.length} rows`);
  }
});

test("window aggregates over a deduplication's changes (retracting accumulators) restored at random cuts give exactly the uninterrupted rows", async () => {
  const csv = join(dir, "versions.csv");
  const random = seededRandom(11);
  const base = Date.UTC(2024, 0, 1);
  // Rows 37 ms apart (up to 100 ms out of order), a 3 s pause every 500 (sessions close). Most rows are versions of
  // five items, each replacing its last version 185 ms older: its retraction always comes before that row's windows
  // fire. Every 100th row is a version of one of three items, replacing one ~11 s older: its retraction is always late.
  // A retraction on the edge (within the SQL watermark's 200 ms step of the window's end) would be late or not by
  // where the watermarks were sent, and a restored job sends them from its first row on.
  const lines = Array.from({ length: ROWS / 4 }, (_, i) => {
    const t = base + i * 37 + 3000 * Math.floor(i / 500) - Math.floor(random() * 100);
    const item = i % 100 === 0 ? (i / 100) % 3 : 1000 + (i % 5);
    return `${item},k${(i * 7919) % 13},${Math.floor(random() * 1000)},${new Date(t).toISOString().replace("T", " ").replace("Z", "")}`;
  });
  writeFileSync(csv, lines.join("\n") + "\n");
  const session = new SqlSession();
  await session.execute(`CREATE TABLE versions (item INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');
CREATE VIEW latest AS SELECT item AS id, k, v, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY item ORDER BY ts DESC) AS rn FROM versions) WHERE rn = 1`);
  const over = (tvf: string) => `${AGGS}${WINDOW.replace("{tvf}", tvf)}`;
  const queries: Record<string, string> = {
    "TUMBLE over changes": over("TUMBLE(TABLE latest, DESCRIPTOR(ts), INTERVAL '5' SECOND)"),
    "HOP over changes": over("HOP(TABLE latest, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)"),
    "SESSION over changes": over("SESSION(TABLE latest PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)"),
  };
  for (const [name, sql] of Object.entries(queries)) {
    const rows = await checkRandomCutRestore(session.catalog, sql, dir, { seeds: 3, sourceRows: ROWS / 4, name: `window-restore ${name}` });
    assert.ok(rows.length > 50, `${name}: ${rows.length} rows`);
  }
});
