/**
 * Window TVF aggregates over a `PROCTIME()` column: processing-time windows, fired by the job's clock.
 * Processing time is not comparable to a Flink run, so the semantics are checked on a ManualClock the
 * session's environments share (datagen paces itself by that clock too), plus one shape test on the
 * system clock.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { JobHandle } from "../../runtime/JobHandle.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { SqlSession, StreamSqlError } from "../index.js";
import { formatType, type SqlType } from "../types.js";

/** 10 rows a second by the clock, every `k` = 1. */
const ddl = `CREATE TABLE g (k INT, p AS PROCTIME()) WITH ('connector' = 'datagen', 'rows-per-second' = '10', 'fields.k.min' = '1', 'fields.k.max' = '1');`;

async function start(query: string, clock?: ManualClock): Promise<{ job: JobHandle; rows: unknown[][]; columns: { name: string; type: SqlType }[] }> {
  const session = new SqlSession(clock ? { createEnvironment: () => StreamEnvironment.create({ clock }) } : {});
  const results = await session.execute(`${ddl}\n${query}`);
  const last = results.at(-1);
  assert.equal(last?.kind, "job");
  const r = last as Extract<typeof last, { kind: "job" }>;
  return {
    job: r.job,
    get rows() {
      return r.rows as unknown[][];
    },
    columns: r.columns,
  };
}

test("TUMBLE over PROCTIME(): windows by the clock at arrival, fired when the clock passes window_end", async () => {
  const clock = new ManualClock(1000);
  const run = await start(
    "SELECT window_start, window_end, window_time, COUNT(*) AS c, SUM(k) AS s FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(p), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, window_time",
    clock,
  );
  await run.job.whenIdle(); // row 1 at 1000
  clock.advance(500);
  await run.job.whenIdle(); // rows 2..6 at 1500
  assert.deepEqual(run.rows, [], "nothing before the clock passes the window's end");
  clock.advance(500); // 2000: [1000, 2000) fires; rows 7..11 fall in [2000, 3000)
  await run.job.whenIdle();
  assert.deepEqual(run.rows, [[1000, 2000, 2000, 6, 6]], "window_time: the clock at the firing");
  clock.advance(1000);
  await run.job.whenIdle();
  assert.deepEqual(run.rows.at(-1), [2000, 3000, 3000, 5, 5], "rows 7..11 arrived at 2000; those of 3000 open the next window");
  // As Flink 1.20.1 types them (its ResolvedSchema of this query): window_time a processing-time attribute, no rowtime.
  assert.deepEqual(
    run.columns.slice(0, 3).map((c) => formatType(c.type)),
    ["TIMESTAMP(3) NOT NULL", "TIMESTAMP(3) NOT NULL", "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*"],
  );
  await run.job.cancel();
});

test("HOP and CUMULATE over PROCTIME() fire every slide / step by the clock", async () => {
  const clock = new ManualClock(0);
  const hop = await start("SELECT window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE g, DESCRIPTOR(p), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end", clock);
  const cumulate = await start(
    "SELECT window_start, window_end, COUNT(*) FROM TABLE(CUMULATE(TABLE g, DESCRIPTOR(p), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
    clock,
  );
  for (let t = 0; t < 4; t++) {
    await hop.job.whenIdle();
    await cumulate.job.whenIdle();
    clock.advance(1000); // each job: 1 row at 0, then 10 a second, all arriving on whole seconds
  }
  await hop.job.whenIdle();
  await cumulate.job.whenIdle();
  // Arrivals: 1 at 0 s, 10 at 1 s, 2 s, 3 s; windows fired by clock 4 s.
  assert.deepEqual(hop.rows, [
    [-1000, 1000, 1],
    [0, 2000, 11],
    [1000, 3000, 20],
    [2000, 4000, 20],
  ]);
  assert.deepEqual(cumulate.rows, [
    [0, 1000, 1],
    [0, 2000, 11],
    [2000, 3000, 10],
    [2000, 4000, 20],
  ]);
  await hop.job.cancel();
  await cumulate.job.cancel();
});

test("a processing-time window aggregate stopped with a savepoint keeps its open window: restored, it fires with the rows of both runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-proctime-sql-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new ManualClock(1000);
  const session = new SqlSession({ createEnvironment: () => StreamEnvironment.create({ clock }), checkpointDirectory: dir });
  const query = "SELECT window_start, window_end, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(p), INTERVAL '1' SECOND)) GROUP BY window_start, window_end";
  const first = (await session.execute(`${ddl}\n${query}`)).at(-1) as Extract<Awaited<ReturnType<SqlSession["execute"]>>[number], { kind: "job" }>;
  await first.job.whenIdle();
  clock.advance(500); // rows 1..6 in [1000, 2000), still open at the savepoint
  await first.job.whenIdle();
  await first.job.savepoint("open-window");
  await first.job.cancel();
  assert.deepEqual(first.rows, []);
  const second = (await session.execute(query, { restoreFrom: "open-window" })).at(-1) as typeof first;
  await second.job.whenIdle(); // the restored datagen paces from here: row 7 at 1500
  clock.advance(500);
  await second.job.whenIdle();
  assert.deepEqual(second.rows, [[1000, 2000, 7]]);
  await second.job.cancel();
});

test("legacy GROUP BY TUMBLE(proctime, …): TUMBLE_START/_END and TUMBLE_PROCTIME (a processing-time attribute, as in Flink)", async () => {
  const clock = new ManualClock(0);
  const run = await start("SELECT TUMBLE_START(p, INTERVAL '1' SECOND) AS s, TUMBLE_PROCTIME(p, INTERVAL '1' SECOND) AS pt, COUNT(*) AS c FROM g GROUP BY TUMBLE(p, INTERVAL '1' SECOND)", clock);
  await run.job.whenIdle();
  clock.advance(1000);
  await run.job.whenIdle();
  assert.deepEqual(run.rows, [[0, 1000, 1]]);
  assert.equal(formatType(run.columns[1]!.type), "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*");
  await run.job.cancel();
});

test("a processing-time window TVF without an aggregate fails as in Flink", async () => {
  const e = await new SqlSession().execute(`${ddl}\nSELECT * FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(p), INTERVAL '1' SECOND));`).then(
    () => assert.fail("no error"),
    (err: unknown) => err,
  );
  assert.ok(e instanceof StreamSqlError, String(e));
  assert.match(e.message, /^Processing time Window TableFunction is not supported yet\./);
});

test("shape on the system clock: a 100 ms TUMBLE over PROCTIME() emits whole windows of the wall clock", async () => {
  const run = await start("SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE g, DESCRIPTOR(p), INTERVAL '0.1' SECOND)) GROUP BY window_start, window_end");
  const began = Date.now();
  while (run.rows.length < 2 && Date.now() - began < 30_000) await new Promise((r) => setTimeout(r, 50));
  await run.job.cancel();
  assert.ok(run.rows.length >= 2, `windows fired: ${JSON.stringify(run.rows)}`);
  for (const [s, e, c] of run.rows as [number, number, number][]) {
    assert.equal(e - s, 100);
    assert.equal(s % 100, 0);
    assert.ok(c >= 1 && e <= Date.now() && s >= began - 100, JSON.stringify([s, e, c]));
  }
});
