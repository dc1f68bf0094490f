/**
 * The window Top-1 prune of nexmark q7's join (joins/planWindowTopPrune.ts, windowTopPrune.ts): which
 * joins get it (EXPLAIN) and which fall back to the bounded join alone; the function by hand (ties,
 * a window's end, late rows that must raise no bound, NULL, MIN); q7 with the prune restores at random
 * cuts and gives the regular join's rows. Against Flink itself: test/flink-sql/cases/windowTop.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { Row } from "../connectors.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { SqlSession } from "../index.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import { nexmarkDdl, nexmarkSelect } from "../testing/nexmarkSql.js";
import type { OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import { WindowTopBounds, WindowTopGate, WindowTopPruneOperator, type WindowTopPruneSpec } from "./windowTopPrune.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-top-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const DDL = `CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND)`;
const perWindow = (agg = "MAX(price)", where = "", end = "window_end") =>
  `SELECT ${agg} AS best, ${end} AS dateTime FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) ${where} GROUP BY window_start, window_end`;
const q7 = (o: { agg?: string; where?: string; key?: string; range?: string; end?: string } = {}) =>
  `SELECT B.auction, B.price, B.dateTime FROM bid B JOIN (${perWindow(o.agg, o.where, o.end)}) B1 ON ${o.key ?? "B.price"} = B1.best WHERE B.dateTime BETWEEN ${o.range ?? "B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime"}`;

async function explain(session: SqlSession, query: string): Promise<string> {
  const last = (await session.execute(`EXPLAIN ${query}`)).at(-1);
  assert.ok(last?.kind === "message");
  return last.text.split("== Operator Graph ==")[1] ?? "";
}

test("EXPLAIN: MAX or MIN per TUMBLE joined on the aggregated column is pruned ahead of the bounded join; any other shape is not", async () => {
  const s = new SqlSession();
  await s.execute(`${DDL} WITH ('connector' = 'datagen', 'number-of-rows' = '10')`);
  const pruned = await explain(s, q7());
  assert.match(pruned, /\] WindowTopPrune\(MAX\(price\) per TUMBLE\(size=10000 ms\) on dateTime, ties kept, dateTime - window_end in \[-10000, 0\] ms\)/, pruned);
  assert.match(pruned, /\] Join\(joinType=\[InnerJoin\], keys=\[B\.price = B1\.best\], leftStateRetention/, pruned);
  assert.match(await explain(s, q7({ agg: "MIN(price)" })), /WindowTopPrune\(MIN\(price\)/);
  // The window side on the left, the range shifted off the window (a bid meets up to 3 windows).
  const left = `SELECT B.auction FROM (${perWindow()}) B1 JOIN bid B ON B1.best = B.price AND B.dateTime >= B1.dateTime - INTERVAL '15' SECOND AND B.dateTime < B1.dateTime + INTERVAL '5' SECOND`;
  assert.match(await explain(s, left), /WindowTopPrune\(MAX\(price\) .* in \[-15000, 4999\] ms\)/);
  const fallbacks: [string, string][] = [
    ["a range of 7 windows", q7({ range: "B1.dateTime - INTERVAL '60' SECOND AND B1.dateTime" })],
    ["a WHERE on the aggregate's input (the join's bids are not all counted)", q7({ where: "WHERE auction > 3" })],
    ["a key that is not the aggregated column", q7({ key: "B.auction" })],
    ["an aggregate that is not MAX or MIN", q7({ agg: "SUM(price)" })],
    ["MAX of another column", q7({ agg: "MAX(auction)" })],
  ];
  // At parallelism 2 and 3 too: each subtask prunes its scan subtask's rows (windowTopPrune.parallel.test.ts).
  const names = (parallelism: number) => {
    const env = StreamEnvironment.create({ parallelism });
    const [parsed] = parseScript(q7());
    assert.ok(parsed?.statement.kind === "query");
    new Planner(env, s.catalog).plan(parsed.statement.query);
    return env.graph.all().map((n) => n.name);
  };
  for (const p of [1, 2, 3])
    assert.ok(
      names(p).some((n) => n.startsWith("WindowTopPrune(")),
      names(p).join("\n"),
    );
  for (const [why, query] of fallbacks) {
    const plan = await explain(s, query);
    assert.doesNotMatch(plan, /WindowTopPrune/, `${why}:\n${plan}`);
    assert.match(plan, /\] Join\(/, `${why}:\n${plan}`);
  }
});

/** What the window aggregate the join reads reads, at `parallelism` (its local phase's input at p > 1). */
function aggregateInput(catalog: SqlSession["catalog"], query: string, parallelism: number): string {
  const env = StreamEnvironment.create({ parallelism });
  const [parsed] = parseScript(query);
  assert.ok(parsed?.statement.kind === "query");
  new Planner(env, catalog).plan(parsed.statement.query);
  const graph = env.graph;
  // From the join (the planner leaves the plans it replaced unread in the graph), up its inputs to the first aggregate phase.
  let node = graph.all().find((n) => n.name.startsWith("Join("));
  assert.ok(node, "a join");
  const todo = [node];
  while ((node = todo.pop())) {
    if (node.name === "window aggregate" || node.name === "LocalWindowAggregate") return graph.get(node.inputs[0]!.from).name;
    for (const e of node.inputs) todo.push(graph.get(e.from));
  }
  assert.fail("no window aggregate upstream of the join");
}

test("the window MAX reads the pruned bids (a few a window, as the DataStream q7's window) only where each bid's own window is in its range", async () => {
  const s = new SqlSession();
  await s.execute(`${DDL} WITH ('connector' = 'datagen', 'number-of-rows' = '10')`);
  for (const p of [1, 2, 3]) {
    assert.match(aggregateInput(s.catalog, q7(), p), /^WindowTopPrune\(MAX\(price\)/, `p=${p}`);
    assert.match(aggregateInput(s.catalog, q7({ agg: "MIN(price)" }), p), /^WindowTopPrune\(MIN\(price\)/, `p=${p}`);
  }
  // A bid of a window's first 5 s meets no window end here: the prune drops it, which the window's MAX must count.
  assert.doesNotMatch(aggregateInput(s.catalog, q7({ range: "B1.dateTime - INTERVAL '5' SECOND AND B1.dateTime" }), 1), /WindowTopPrune/);
  // A MAX shown twice is still the one aggregate; a second aggregate (COUNT) is not a MAX alone.
  assert.match(aggregateInput(s.catalog, q7({ agg: "MAX(price) AS m2, MAX(price)" }), 1), /^WindowTopPrune/);
  assert.doesNotMatch(aggregateInput(s.catalog, q7({ agg: "COUNT(*) AS n, MAX(price)" }), 1), /WindowTopPrune/);
});

test("a range over each window's last 5 s (bids of the first 5 s meet no window; the window's MAX then reads every bid) gives the regular join's rows", async () => {
  const file = join(dir, "halves.csv");
  const base = Date.UTC(2024, 0, 1);
  // 3,000 bids 100 ms apart (30 windows), prices hashed: some windows' maximum in the first half, some in the second.
  const lines = Array.from({ length: 3000 }, (_, i) => `${i},${(Math.imul(i + 1, 2654435761) >>> 0) % 1000},${new Date(base + i * 100).toISOString().replace("T", " ").replace("Z", "")}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  const session = new SqlSession();
  await session.execute(`${DDL} WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv')`);
  const range = "B1.dateTime - INTERVAL '5' SECOND AND B1.dateTime";
  assert.match(await explain(session, q7({ range })), /WindowTopPrune/);
  const rows = (await session.execute(q7({ range }))).at(-1);
  const regular = (await session.execute(q7({ range, end: "window_end + INTERVAL '0' SECOND" }))).at(-1);
  assert.ok(rows?.kind === "table" && regular?.kind === "table");
  const sorted = (rs: readonly Row[]) => rs.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(sorted(rows.rows), sorted(regular.rows));
  assert.ok(regular.rows.length >= 5 && regular.rows.length <= 25, `${regular.rows.length} rows: some windows' maximum is in their last 5 s, not all`);
});

/** The prune of q7 (rows [auction, price, t]), a hand-driven watermark; what it lets through. */
const SPEC: WindowTopPruneSpec = { kind: "MAX", value: 1, time: 2, size: 10_000, offset: 0, lower: -10_000, upper: 0 };

function harness(spec: Partial<WindowTopPruneSpec> = {}) {
  const bounds = new WindowTopBounds({ ...SPEC, ...spec });
  let watermark = Number.NEGATIVE_INFINITY;
  const out: number[] = [];
  return {
    out,
    bid: (auction: number, price: number | null, t: number) => {
      if (bounds.keep([auction, price, t], watermark)) out.push(auction);
    },
    watermark: (w: number) => {
      watermark = w;
    },
    stopRaising: () => bounds.stopRaising(),
  };
}

test("the prune keeps a window's running maximum and its ties, a bid on a window's end for the window it does not lose, drops NULL", () => {
  const h = harness();
  h.bid(1, 10, 1000);
  h.bid(2, 30, 3000);
  h.bid(3, 20, 4000); // below 30: dropped
  h.bid(4, 30, 7000); // a tie: kept
  h.bid(5, 50, 12_000);
  h.bid(6, 40, 15_000); // below 50: dropped
  h.bid(7, 30, 10_000); // window [10 s, 20 s) beats it, but it meets window end 10 s too, where 30 is the bound
  h.bid(8, 20, 20_000); // beaten in window end 20 s (50); its own window [20 s, 30 s) has no bound yet
  h.bid(9, null, 21_000);
  assert.deepEqual(h.out, [1, 2, 4, 5, 7, 8]);
});

test("bids back and forth between two open windows: each window keeps its own bound (the last window's is held out of the map)", () => {
  const h = harness();
  h.bid(1, 30, 1000);
  h.bid(2, 50, 12_000); // window [10 s, 20 s)
  h.bid(3, 20, 2000); // back in [0, 10 s): beaten by 30
  h.bid(4, 40, 13_000); // beaten by 50
  h.bid(5, 40, 3000); // above 30: kept, the bound now 40
  h.bid(6, 35, 4000); // beaten by 40
  h.bid(7, 45, 14_000); // beaten by 50
  h.watermark(10_500); // [0, 10 s) fired; its bound swept once no bid on time can meet it
  h.bid(8, 45, 15_000);
  h.bid(9, 60, 16_000);
  assert.deepEqual(h.out, [1, 2, 5, 9]);
});

test("a late bid raises no bound: the window aggregate dropped it, and a later late bid at the window's maximum still joins", () => {
  const h = harness();
  h.bid(1, 30, 3000);
  h.watermark(9999); // window [0, 10 s) fired
  h.bid(2, 99, 5000); // late: kept (nothing counted beats it), but not the window's bound
  h.bid(3, 30, 6000); // late, at the maximum the aggregate emitted: kept
  h.bid(4, 20, 7000); // late, beaten by a counted bid: dropped
  assert.deepEqual(h.out, [1, 2, 3]);
});

test("once the scan subtask's stream was idle, no bid raises a bound (the aggregate's watermark may have passed it); the bounds raised before still prune", () => {
  const h = harness();
  h.bid(1, 30, 1000);
  h.bid(2, 20, 2000); // below 30: dropped
  h.stopRaising();
  h.bid(3, 50, 3000); // kept, but raises no bound: the aggregate may have dropped it as late
  h.bid(4, 40, 4000); // kept: only 30 bounds the window
  h.bid(5, 25, 5000); // still beaten by 30: dropped
  h.bid(6, 10, 12_000); // a new window: no bound
  h.bid(7, 5, 13_000);
  assert.deepEqual(h.out, [1, 3, 4, 6, 7]);
});

test("the prune operator stops raising bounds when its input goes idle at parallelism 2, not at 1 (one scan subtask: the aggregate's watermark is its own)", () => {
  const run = (parallelism: number): number[] => {
    const out: number[] = [];
    const ctx = { parallelism, currentWatermark: () => Number.NEGATIVE_INFINITY, output: { emit: (r: Row) => out.push(r[0] as number) } };
    const op = new WindowTopPruneOperator(SPEC, ctx as unknown as OperatorContext<Row>);
    const batch = (rows: Row[]) => op.processBatch({ values: rows, timestamps: rows.map((r) => r[2] as number) } as unknown as RecordBatch<Row>);
    batch([[1, 30, 1000]]);
    op.onWatermarkStatus(true);
    op.onWatermarkStatus(false);
    batch([
      [2, 50, 2000],
      [3, 40, 3000],
      [4, 20, 4000],
    ]);
    return out;
  };
  assert.deepEqual(run(2), [1, 2, 3]);
  assert.deepEqual(run(1), [1, 2]);
  // The same prune inside a Calc (WindowTopGate), told by the Calc.
  const gated = (parallelism: number): number[] => {
    const gate = new WindowTopGate(SPEC, { parallelism, currentWatermark: () => Number.NEGATIVE_INFINITY } as unknown as OperatorContext<Row>);
    const out: number[] = [];
    const batch = (rows: Row[]) => {
      gate.begin();
      for (const r of rows) if (gate.keep(r[1], r[2] as number)) out.push(r[0] as number);
    };
    batch([[1, 30, 1000]]);
    gate.onWatermarkStatus(true);
    gate.onWatermarkStatus(false);
    batch([
      [2, 50, 2000],
      [3, 40, 3000],
      [4, 20, 4000],
    ]);
    return out;
  };
  assert.deepEqual(gated(2), [1, 2, 3]);
  assert.deepEqual(gated(1), [1, 2]);
});

test("MIN: the running minimum and its ties; a bid its range meets no window end of is dropped", () => {
  const h = harness({ kind: "MIN", lower: -9000, upper: -1000 });
  h.bid(1, 30, 2000);
  h.bid(2, 10, 3000);
  h.bid(3, 20, 4000); // above 10: dropped
  h.bid(4, 10, 5000);
  h.bid(5, 5, 500); // t - end in [-9 s, -1 s] meets no end (10 s is 9.5 s away): dropped
  assert.deepEqual(h.out, [1, 2, 4]);
});

/** 12,000 bids of q7's shape, to `file`. */
function writeBids(file: string): void {
  const base = Date.UTC(2024, 0, 1);
  // 12,000 bids over 1,200 s (enough that the source is still reading at the cut), prices 0..999 in a scrambled order (the running maximum rises several times per window);
  // every 100th on a window's end, at the price of the previous window's top bid; every 40th 15 s late (surely late: its window ended 5 s or more before the watermark), above
  // its window's top price or (every 80th) at it.
  const late = (i: number): boolean => i % 40 === 39;
  const top = (from: number, prices: number[]): number => Math.max(...prices.slice(Math.max(0, from), from + 100).filter((_, k) => !late(Math.max(0, from) + k)));
  const prices = Array.from({ length: 12_000 }, (_, i) => (i * 7919) % 1000);
  for (let i = 100; i < 12_000; i += 100) prices[i] = top(i - 100, prices);
  // (Bid 79 has no window before it: above too, not -Infinity, which an INT column of a CSV file refuses as Flink's does.)
  for (let i = 39; i < 12_000; i += 40) prices[i] = i % 80 === 79 && i >= 150 ? top(Math.floor((i - 150) / 100) * 100, prices) : 2000;
  const lines = prices.map((p, i) => `${i},${p},${new Date(base + i * 100 - (late(i) ? 15_000 : 0)).toISOString().replace("T", " ").replace("Z", "")}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
}

test("q7 with the prune restores at random cuts with nothing lost or twice, and gives the regular join's rows", async () => {
  const file = join(dir, "bids.csv");
  writeBids(file);
  const session = new SqlSession({ checkpointDirectory: join(dir, "sp") });
  await session.execute(`${DDL} WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv')`);
  assert.match(await explain(session, q7()), /WindowTopPrune/);
  const rows = await checkRandomCutRestore(session.catalog, q7(), dir, { seeds: 2, sourceRows: 12_000, name: "q7 window top prune" });
  // The same rows as the regular join (an expression over window_end keeps it one, without the prune).
  const regular = (await session.execute(q7({ end: "window_end + INTERVAL '0' SECOND" }))).at(-1);
  assert.ok(regular?.kind === "table");
  const sorted = (rs: readonly Row[]) => rs.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(sorted(rows), sorted(regular.rows));
  assert.ok(rows.length >= 30, `${rows.length} rows`);
  assert.ok(rows.filter((r) => (r[0] as number) % 100 === 0).length >= 10, "bids on a window's end meet the window before");
  assert.ok(rows.filter((r) => (r[0] as number) % 40 === 39).length >= 5, "late bids meet windows fired before");
});

test("nexmark q7 (its bid view read twice): the prune runs in the view's Calc, so a bid it drops is never made; the join's rows, at random cuts too", async () => {
  // 100 events a second of event time: 200 s, 20 windows of ~460 bids.
  const session = new SqlSession({ checkpointDirectory: join(dir, "sp-nexmark") });
  await session.execute(nexmarkDdl(20_000, 100));
  const query = nexmarkSelect("q7");
  const plan = await explain(session, query);
  assert.match(plan, /\] Calc \+ WindowTopPrune\(MAX\(price\) per TUMBLE/, plan);
  assert.doesNotMatch(plan, /\] WindowTopPrune\(/, plan);
  assert.match(aggregateInput(session.catalog, query, 1), /^Calc \+ WindowTopPrune\(/);
  const running = session.execute(query);
  while (session.jobs.length === 0) await new Promise((r) => setTimeout(r, 1));
  const job = session.jobs[0]!;
  const rows = (await running).at(-1);
  const calc = job.metrics().operators.find((o) => o.name.startsWith("Calc + WindowTopPrune("));
  assert.equal(calc?.recordsIn, 20_000);
  assert.ok((calc?.recordsOut ?? 0) < 1000, `the Calc made ${calc?.recordsOut} rows of ~18,400 bids`);
  // An expression over window_end keeps the join a regular one, without the prune.
  const regular = (await session.execute(query.replace("window_end as `dateTime`", "window_end + INTERVAL '0' SECOND as `dateTime`"))).at(-1);
  assert.ok(rows?.kind === "table" && regular?.kind === "table");
  const sorted = (rs: readonly Row[]) => rs.map((r) => JSON.stringify(r)).sort();
  assert.deepEqual(sorted(rows.rows), sorted(regular.rows));
  assert.ok(rows.rows.length >= 20, `${rows.rows.length} rows`);
  const restored = await checkRandomCutRestore(session.catalog, query, dir, { seeds: 2, sourceRows: 20_000, name: "nexmark q7" });
  assert.deepEqual(sorted(restored), sorted(regular.rows));
});
