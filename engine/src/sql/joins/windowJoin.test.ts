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
import type { WindowJoinSpec } from "./windowJoin.js";
import { WindowJoinOperator } from "./windowJoinOperator.js";
import type { OperatorContext } from "../../operators/Operator.js";
import { OperatorHarness } from "../../testing/OperatorHarness.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const harness = (spec: Partial<WindowJoinSpec> & Pick<WindowJoinSpec, "joinType" | "matches">, options: { subtask?: number; parallelism?: number } = {}) => {
  // Rows [id, window_end], keyed by nothing (every row on one key) unless a test says otherwise.
  const full: WindowJoinSpec = { leftWindowEnd: 1, rightWindowEnd: 1, leftWidth: 2, rightWidth: 2, ...spec };
  const factory = (ctx: OperatorContext<Row>) => new WindowJoinOperator(full, [() => "", () => ""], ctx);
  return { factory, create: () => OperatorHarness.create<Row, Row>(factory, options) };
};
const show = (rows: Row[]) => rows.map((r) => JSON.stringify(r));

test("a FULL window join emits each window once at its end, in Flink's loop order, drops late rows and frees the window's state", async () => {
  // ON: the ids' parity is the same.
  const h = await harness({ joinType: "full", matches: (l, r) => (l[0] as number) % 2 === (r[0] as number) % 2 }).create();
  h.processElement([1, 10], 1, 0);
  h.processElement([3, 10], 1, 1);
  h.processElement([4, 10], 1, 1);
  h.processElement([2, 20], 11, 0);
  h.processElement([5, 10], 1, 0);
  h.processWatermark(8);
  assert.deepEqual(h.output, [], "nothing before the window's last millisecond");
  h.processWatermark(9);
  assert.deepEqual(show(h.output), ["[1,10,3,10]", "[5,10,3,10]", "[null,null,4,10]"]);
  assert.deepEqual(h.outputTimestamps, [9, 9, 9], "at the window's last millisecond, as its timer fired");
  h.processElement([6, 10], 2, 1);
  assert.equal(h.counters.lateRecordsDropped, 1, "a row of a fired window is dropped");
  assert.deepEqual(
    (h.operator as WindowJoinOperator).snapshotState().panes.map(([end]) => end),
    [20],
    "the fired window's rows are gone",
  );
  h.processWatermark(Number.POSITIVE_INFINITY);
  assert.deepEqual(show(h.output.slice(3)), ["[2,20,null,null]"]);
  assert.deepEqual((h.operator as WindowJoinOperator).snapshotState().panes, []);
});

test("a window join fires its keys in order of their first row, each key's rows joined only with that key's", async () => {
  const spec = { leftWindowEnd: 1, rightWindowEnd: 1, leftWidth: 2, rightWidth: 2, joinType: "inner" as const, matches: (l: Row, r: Row) => l[0] === r[0] };
  const h = await OperatorHarness.create<Row, Row>((ctx) => new WindowJoinOperator(spec, [(r) => r[0] as number, (r) => r[0] as number], ctx));
  h.processElement([7, 10], 1, 1);
  h.processElement([3, 10], 1, 0);
  h.processElement([3, 10], 1, 1);
  h.processElement([3, 10], 1, 1);
  h.processElement([7, 10], 1, 0);
  h.processElement([5, 10], 1, 0);
  h.processWatermark(9);
  assert.deepEqual(show(h.output), ["[7,10,7,10]", "[3,10,3,10]", "[3,10,3,10]"]);
});

test("a window join's checkpoint keeps the rows it saw: rows added after it are not in the state it restores", async () => {
  const { factory, create } = harness({ joinType: "inner", matches: () => true });
  const h = await create();
  h.processElement([1, 10], 1, 0);
  h.processElement([2, 10], 1, 0);
  h.processElement([9, 10], 1, 1);
  const checkpoint = h.snapshot();
  h.processElement([3, 10], 1, 0);
  h.processElement([4, 10], 1, 0);
  const again = await OperatorHarness.restore<Row, Row>(factory, checkpoint);
  again.processElement([5, 10], 1, 0);
  again.processWatermark(9);
  assert.deepEqual(show(again.output), ["[1,10,9,10]", "[2,10,9,10]", "[5,10,9,10]"]);
});

test("a window join restored at another parallelism keeps, in each subtask, the keys it owns", async () => {
  const spec = { leftWindowEnd: 1, rightWindowEnd: 1, leftWidth: 2, rightWidth: 2, joinType: "inner" as const, matches: (l: Row, r: Row) => l[0] === r[0] };
  const factory = (ctx: OperatorContext<Row>) => new WindowJoinOperator(spec, [(r) => r[0] as number, (r) => r[0] as number], ctx);
  const h = await OperatorHarness.create<Row, Row>(factory);
  for (let k = 0; k < 20; k++) {
    h.processElement([k, 10], 1, 0);
    h.processElement([k, 10], 1, 1);
  }
  const checkpoint = h.snapshot();
  const ids: number[] = [];
  for (const subtask of [0, 1, 2]) {
    const part = await OperatorHarness.restore<Row, Row>(factory, checkpoint, { subtask, parallelism: 3 });
    part.processWatermark(9);
    ids.push(...part.output.map((r) => r[0] as number));
  }
  assert.deepEqual(
    ids.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, k) => k),
  );
});

test("a window join makes a joined row only for the pairs ON accepts (nexmark q5: a window's counts against its MAX, most rejected)", async () => {
  const joined: string[] = [];
  const concat = (l: Row, r: Row): Row => {
    joined.push(JSON.stringify([l[0], r[0]]));
    return [...l, ...r];
  };
  for (const joinType of ["inner", "left"] as const) {
    joined.length = 0;
    const h = await harness({ joinType, matches: (l, r) => (l[0] as number) >= (r[0] as number), concat }).create();
    for (const c of [1, 5, 3, 5]) h.processElement([c, 10], 1, 0);
    h.processElement([5, 10], 1, 1);
    h.processWatermark(9);
    const padded = joinType === "left" ? ["[1,10,null,null]", "[3,10,null,null]"] : [];
    assert.deepEqual(show(h.output).sort(), ["[5,10,5,10]", "[5,10,5,10]", ...padded].sort(), joinType);
    assert.deepEqual(
      joined.filter((p) => !p.includes("null")),
      ["[5,5]", "[5,5]"],
      `${joinType}: rejected pairs were joined`,
    );
  }
});

test("SEMI and ANTI window joins give each left row once, by whether any right row of its window matches", async () => {
  const run = async (joinType: "semi" | "anti") => {
    const h = await harness({ joinType, matches: (l, r) => l[0] === r[0] }).create();
    for (const r of [
      [1, 10],
      [2, 10],
      [1, 20],
    ])
      h.processElement(r, 1, 0);
    for (const r of [
      [1, 10],
      [1, 10],
      [3, 10],
    ])
      h.processElement(r, 1, 1);
    h.processWatermark(19);
    return show(h.output);
  };
  assert.deepEqual(await run("semi"), ["[1,10]"], "once, though two right rows match; nothing of a window without right rows");
  assert.deepEqual(await run("anti"), ["[2,10]", "[1,20]"]);
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
    return text.includes("WindowJoin(") || text.includes("WindowGroupJoin(") ? "window join" : text.includes("Join(") ? "regular join" : text;
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
