/**
 * Window joins: the operator's rules fed in a fixed order (nothing before the window's end, Flink's
 * loop order, a late row dropped, the window's state gone once it fired), which shapes are planned as
 * one, and stop-with-savepoint → restore of a FULL window join at random moments (three by default;
 * SLUICE_CONFORMANCE_SEEDS=N for N). Conformance with Flink itself is test/flink-sql/cases/temporalJoins.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Row } from "../connectors.js";
import { SqlSession } from "../index.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import { windowJoinFunction } from "./windowJoin.js";
import { mapBackedStates } from "../../testing/mapBackedState.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a FULL window join emits each window once at its end, in Flink's loop order, drops late rows and frees the window's state", () => {
  const { maps, getMapState: mapState } = mapBackedStates();
  // Rows [id, window_end]; ON: the ids' parity is the same.
  const fn = windowJoinFunction({ joinType: "full", leftWindowEnd: 1, rightWindowEnd: 1, leftWidth: 2, rightWidth: 2, matches: (r) => (r[0] as number) % 2 === (r[2] as number) % 2 });
  void fn.open?.({ jobName: "t", operatorName: "wj", subtask: 0, parallelism: 1, getMapState: mapState, getState: () => assert.fail(), getListState: () => assert.fail() } as never);
  let watermark = Number.NEGATIVE_INFINITY;
  const timers = new Set<number>();
  const ctx = { timerService: { currentWatermark: () => watermark, registerEventTimeTimer: (t: number) => void timers.add(t) } } as never;
  const log: string[] = [];
  const out = { collect: (r: Row) => void log.push(JSON.stringify(r)) };
  const fire = (to: number) => {
    watermark = to;
    for (const t of [...timers].sort((a, b) => a - b)) {
      if (t > to) break;
      timers.delete(t);
      fn.onTimer?.(t, ctx, out);
    }
  };
  fn.processElement1([1, 10], ctx, out);
  fn.processElement2([3, 10], ctx, out);
  fn.processElement2([4, 10], ctx, out);
  fn.processElement1([2, 20], ctx, out);
  fn.processElement1([5, 10], ctx, out);
  fire(8);
  assert.deepEqual(log, [], "nothing before the window's last millisecond");
  fire(9);
  assert.deepEqual(log, ["[1,10,3,10]", "[5,10,3,10]", "[null,null,4,10]"]);
  fn.processElement2([6, 10], ctx, out);
  assert.equal(maps.get("right-rows")?.has(10), false, "a row of a fired window is dropped, its state gone");
  fire(Number.POSITIVE_INFINITY);
  assert.deepEqual(log.slice(3), ["[2,20,null,null]"]);
  assert.equal(maps.get("left-rows")?.size, 0);
  assert.equal(maps.get("right-rows")?.size, 0);
});

test("a window join's checkpoint keeps the rows it saw: rows added after it are not in the state it restores", () => {
  const start = (states: ReturnType<typeof mapBackedStates>) => {
    const fn = windowJoinFunction({ joinType: "inner", leftWindowEnd: 1, rightWindowEnd: 1, leftWidth: 2, rightWidth: 2, matches: () => true });
    void fn.open?.({ jobName: "t", operatorName: "wj", subtask: 0, parallelism: 1, getMapState: states.getMapState, getState: () => assert.fail(), getListState: () => assert.fail() } as never);
    return fn;
  };
  const ctx = { timerService: { currentWatermark: () => Number.NEGATIVE_INFINITY, registerEventTimeTimer: () => {} } } as never;
  const log: string[] = [];
  const out = { collect: (r: Row) => void log.push(JSON.stringify(r)) };
  const before = mapBackedStates();
  const fn = start(before);
  fn.processElement1([1, 10], ctx, out);
  fn.processElement1([2, 10], ctx, out);
  fn.processElement2([9, 10], ctx, out);
  // A checkpoint copies each key's map of window → rows, not the values (KeyedStateStore.snapshot).
  const checkpoint = [...before.maps].map(([name, m]) => [name, [...m]] as const);
  fn.processElement1([3, 10], ctx, out);
  fn.processElement1([4, 10], ctx, out);
  const restored = mapBackedStates();
  const again = start(restored);
  for (const [name, entries] of checkpoint) for (const [k, v] of entries) (restored.getMapState(name) as { put: (k: unknown, v: unknown) => void }).put(k, v);
  again.processElement1([5, 10], ctx, out);
  again.onTimer?.(9, ctx, out);
  assert.deepEqual(log, ["[1,10,9,10]", "[2,10,9,10]", "[5,10,9,10]"]);
});

test("SEMI and ANTI window joins give each left row once, by whether any right row of its window matches", () => {
  const run = (joinType: "semi" | "anti") => {
    const maps = new Map<unknown, unknown>();
    const state = (name: string) => ({
      get: (k: unknown) => maps.get(`${name}/${String(k)}`),
      put: (k: unknown, v: unknown) => void maps.set(`${name}/${String(k)}`, v),
      remove: (k: unknown) => void maps.delete(`${name}/${String(k)}`),
    });
    const fn = windowJoinFunction({ joinType, leftWindowEnd: 1, rightWindowEnd: 1, leftWidth: 2, rightWidth: 2, matches: (r) => r[0] === r[2] });
    void fn.open?.({ getMapState: state } as never);
    const ctx = { timerService: { currentWatermark: () => Number.NEGATIVE_INFINITY, registerEventTimeTimer: () => undefined } } as never;
    const log: string[] = [];
    const out = { collect: (r: Row) => void log.push(JSON.stringify(r)) };
    for (const r of [
      [1, 10],
      [2, 10],
      [1, 20],
    ])
      fn.processElement1(r, ctx, out);
    for (const r of [
      [1, 10],
      [1, 10],
      [3, 10],
    ])
      fn.processElement2(r, ctx, out);
    fn.onTimer?.(9, ctx as never, out);
    fn.onTimer?.(19, ctx as never, out);
    return log;
  };
  assert.deepEqual(run("semi"), ["[1,10]"], "once, though two right rows match; nothing of a window without right rows");
  assert.deepEqual(run("anti"), ["[2,10]", "[1,20]"]);
});

test("IN and EXISTS subqueries other than a window SEMI/ANTI join fail at their token", async () => {
  const session = new SqlSession();
  await session.execute(
    "CREATE TABLE a (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\n" +
      "CREATE TABLE b (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1')",
  );
  const token = (sql: string) =>
    session.execute(`EXPLAIN ${sql}`).then(
      () => "planned",
      (e: { token?: string }) => e.token,
    );
  assert.equal(await token("SELECT * FROM a WHERE k IN (SELECT k FROM b)"), "IN");
  assert.equal(await token("SELECT * FROM a WHERE NOT EXISTS (SELECT * FROM b WHERE b.k = a.k)"), "EXISTS");
  assert.equal(await token("SELECT k IN (SELECT k FROM b) FROM a"), "IN");
  const tumble = (t: string) => `(SELECT * FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '1' MINUTE)))`;
  assert.equal(await token(`SELECT * FROM ${tumble("a")} x WHERE x.k IN (SELECT k FROM ${tumble("b")} y WHERE x.window_start = y.window_start AND x.window_end = y.window_end)`), "planned");
});

test("a join is a window join only when both sides are windowed alike and ON equates window_start and window_end", async () => {
  const session = new SqlSession();
  await session.execute(
    "CREATE TABLE a (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\n" +
      "CREATE TABLE b (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '1')",
  );
  const plan = async (sql: string): Promise<string> => {
    const [result] = await session.execute(`EXPLAIN ${sql}`);
    const text = JSON.stringify(result);
    return text.includes("WindowJoin(") ? "window join" : text.includes("Join(") ? "regular join" : text;
  };
  const tumble = (t: string, size = "'1' MINUTE") => `(SELECT * FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL ${size})))`;
  const both = "x.window_start = y.window_start AND x.window_end = y.window_end";
  assert.equal(await plan(`SELECT * FROM ${tumble("a")} x FULL JOIN ${tumble("b")} y ON x.k = y.k AND ${both}`), "window join");
  assert.equal(
    await plan(
      `SELECT * FROM TABLE(HOP(TABLE a, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)) x JOIN TABLE(HOP(TABLE b, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)) y ON ${both}`,
    ),
    "window join",
  );
  assert.equal(await plan(`SELECT * FROM ${tumble("a")} x JOIN ${tumble("b")} y ON x.k = y.k AND x.window_start = y.window_start`), "regular join");
  assert.equal(await plan(`SELECT * FROM ${tumble("a")} x JOIN ${tumble("b", "'2' MINUTE")} y ON ${both}`), "regular join");
  assert.equal(await plan(`SELECT * FROM ${tumble("a")} x JOIN b y ON x.k = y.k`), "regular join");
  // Renamed window bounds (nexmark q8): Flink's planner follows window_start/window_end through AS.
  const renamed = (t: string, start = "window_start", end = "window_end") =>
    `(SELECT k, ${start} AS starttime, ${end} AS endtime FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY k, window_start, window_end)`;
  const renamedBoth = "x.starttime = y.starttime AND x.endtime = y.endtime";
  assert.equal(await plan(`SELECT x.k FROM ${renamed("a")} x JOIN ${renamed("b")} y ON x.k = y.k AND ${renamedBoth}`), "window join");
  assert.equal(await plan(`SELECT x.k FROM ${renamed("a")} x JOIN ${renamed("b", "window_end", "window_start")} y ON x.k = y.k AND ${renamedBoth}`), "regular join");
});

test("a FULL window join stopped with a savepoint at a random moment and restored gives the uninterrupted result", { timeout: 120_000 }, async () => {
  const ROWS = 10_000;
  const t0 = Date.UTC(2024, 0, 1);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace("T", " ");
  const left = join(dir, "left.csv");
  writeFileSync(left, Array.from({ length: ROWS }, (_, i) => `${i},k${i % 41},${iso(t0 + i * 100)}`).join("\n") + "\n");
  // Two in three rows of the right side, some a window later than their left partner (padded on both sides).
  const rightIds = Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % 3 !== 0);
  const right = join(dir, "right.csv");
  writeFileSync(right, rightIds.map((i) => `${i},k${i % 41},${iso(t0 + i * 100 + (i % 5) * 400)}`).join("\n") + "\n");
  const session = new SqlSession();
  await session.execute(
    `CREATE TABLE wl (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${left}', 'format' = 'csv');\n` +
      `CREATE TABLE wr (id INT, k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '3' SECOND) WITH ('connector' = 'filesystem', 'path' = '${right}', 'format' = 'csv')`,
  );
  const rows = await checkRandomCutRestore(
    session.catalog,
    "SELECT l.id, r.id, COALESCE(l.window_start, r.window_start) FROM (SELECT * FROM TABLE(TUMBLE(TABLE wl, DESCRIPTOR(ts), INTERVAL '2' SECOND))) l FULL JOIN (SELECT * FROM TABLE(TUMBLE(TABLE wr, DESCRIPTOR(ts), INTERVAL '2' SECOND))) r ON l.k = r.k AND l.id = r.id AND l.window_start = r.window_start AND l.window_end = r.window_end",
    dir,
    { seeds: 3, name: "window join" },
  );
  const joined = rows.filter((r) => r[0] !== null && r[1] !== null).length;
  assert.ok(joined > 0 && joined < rightIds.length, `${joined} joined`);
  assert.equal(rows.length, joined + 2 * (rightIds.length - joined) + (ROWS - rightIds.length));
});
