/**
 * Window results checked against the same query in DuckDB. The engine runs with one record per batch,
 * so the watermark a record meets is exactly max(earlier timestamps) - bound - 1; SQL computes that
 * with a window function and derives which records are dropped as too late, which windows get late
 * firings, and the final aggregate of every window.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { OutputTag } from "../api/OutputTag.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { rngFor } from "../connectors/datagen/random.js";
import { sinks } from "../sinks/sinks.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators, type Stats } from "../windows/AggregateFunction.js";
import { EventTimeSessionWindows, SlidingEventTimeWindows, TumblingEventTimeWindows, type WindowAssigner } from "../windows/WindowAssigner.js";
import type { WindowResult } from "../windows/WindowFunction.js";
import { FINAL_WINDOWS_SQL, type FinalWindow, finalWindows, firstWindowDifference, toFinalWindows, windowPairsSql } from "../testing/windowOracle.js";

interface Ev {
  idx: number;
  k: string;
  ts: number;
  v: number;
}

let connection: DuckDBConnection;
let instance: DuckDBInstance;
before(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
});
after(() => {
  connection.closeSync();
  instance.closeSync();
});

/** Mostly ordered events with bounded jitter plus a few very late ones. */
function events(seed: number, n: number, jitter: number, veryLate: number): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const r = rngFor(seed, i);
    const base = 1000 + i * 10;
    const late = r() < 0.04 ? Math.floor(r() * veryLate) : 0;
    out.push({ idx: i, k: `k${Math.floor(r() * 5)}`, ts: base - Math.floor(r() * (jitter + 1)) - late, v: Math.floor(r() * 101) - 50 });
  }
  return out;
}

async function load(table: string, data: Ev[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${table}(idx INTEGER, k VARCHAR, ts BIGINT, v INTEGER)`);
  const rows = data.map((e) => `(${e.idx}, '${e.k}', ${e.ts}, ${e.v})`).join(",");
  await connection.run(`INSERT INTO ${table} VALUES ${rows}`);
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

async function runEngine(data: Ev[], assigner: WindowAssigner, bound: number, lateness: number) {
  const env = StreamEnvironment.create({ batchSize: 1 });
  const late = new OutputTag<Ev>("late");
  const out = sinks.collect<WindowResult<string, Stats>>();
  const lateOut = sinks.collect<Ev>();
  const results = env
    .fromArray(data)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(bound).withTimestampAssigner((e) => e.ts))
    .keyBy((e) => e.k)
    .window(assigner)
    .allowedLateness(lateness)
    .sideOutputLateData(late)
    .aggregateWithWindow(Aggregators.stats((e: Ev) => e.v));
  results.sinkTo(out);
  results.getSideOutput(late).sinkTo(lateOut);
  await env.execute("vs-duckdb").wait();
  // Final result per window = its last firing; firings = how many times it fired (with the event-time trigger every re-firing is caused by a late record).
  const { rows, problems } = finalWindows(out.values);
  assert.deepEqual(problems, []);
  return { rows, late: lateOut.values.map((e) => e.idx).sort((a, b) => a - b) };
}

function assertSameRows(actual: FinalWindow[], expected: FinalWindow[], label: string): void {
  const difference = firstWindowDifference(actual, expected);
  assert.equal(difference, undefined, `${label}: ${difference}`);
}

for (const seed of [1, 2, 3]) {
  test(`tumbling windows with lateness match DuckDB (seed ${seed})`, async () => {
    const size = 100;
    const bound = 30;
    const lateness = 50;
    const data = events(seed, 1500, 40, 300);
    await load("ev", data);
    const engine = await runEngine(data, TumblingEventTimeWindows.of(size), bound, lateness);
    const base = windowPairsSql("ev", `[ts - (ts % ${size})]`, size, bound, lateness);
    const expected = toFinalWindows(await query(`${base} ${FINAL_WINDOWS_SQL}`));
    const dropped = (await query(`${base} SELECT idx FROM q WHERE dropped ORDER BY idx`)).map((r) => Number(r.idx));
    assert.ok(dropped.length > 0, "the data must contain records beyond the allowed lateness");
    assert.ok(
      expected.some((r) => r.firings > 1),
      "the data must contain late firings",
    );
    assertSameRows(engine.rows, expected, "tumbling");
    assert.deepEqual(engine.late, dropped);
  });

  test(`sliding windows with lateness match DuckDB (seed ${seed})`, async () => {
    const size = 120;
    const slide = 40;
    const bound = 20;
    const lateness = 30;
    const data = events(seed + 10, 1000, 30, 250);
    await load("ev", data);
    const engine = await runEngine(data, SlidingEventTimeWindows.of(size, slide), bound, lateness);
    const base = windowPairsSql("ev", `range(ts - (ts % ${slide}), ts - ${size}, -${slide})`, size, bound, lateness);
    const expected = toFinalWindows(await query(`${base} ${FINAL_WINDOWS_SQL}`));
    const dropped = (await query(`${base} SELECT idx FROM q GROUP BY idx HAVING bool_and(dropped) ORDER BY idx`)).map((r) => Number(r.idx));
    assert.ok(dropped.length > 0);
    assertSameRows(engine.rows, expected, "sliding");
    assert.deepEqual(engine.late, dropped);
  });

  test(`session windows match DuckDB (seed ${seed})`, async () => {
    const gap = 25;
    // Sparse timestamps so sessions form and break; disorder strictly below the bound: nothing is late.
    const data = events(seed + 20, 800, 0, 0).map((e, i) => ({ ...e, ts: 1000 + i * 4 + Math.floor(i / 50) * 200 - Math.floor(rngFor(seed, i)() * 16) }));
    await load("ev", data);
    const engine = await runEngine(data, EventTimeSessionWindows.withGap(gap), 200, 0);
    const expected = toFinalWindows(
      await query(`
        WITH o AS (SELECT *, ts - lag(ts) OVER (PARTITION BY k ORDER BY ts, idx) AS d FROM ev),
        s AS (SELECT *, sum(CASE WHEN d IS NULL OR d > ${gap} THEN 1 ELSE 0 END) OVER (PARTITION BY k ORDER BY ts, idx ROWS UNBOUNDED PRECEDING) AS sid FROM o)
        SELECT k, min(ts) AS start, count(*) AS n, sum(v) AS s, min(v) AS mn, max(v) AS mx, avg(v) AS av, 1 AS firings
        FROM s GROUP BY k, sid ORDER BY k, start`),
    );
    assert.ok(expected.length > 50 && expected.some((r) => r.n > 3), "sessions of several records");
    assertSameRows(engine.rows, expected, "session");
    assert.deepEqual(engine.late, []);
  });
}
