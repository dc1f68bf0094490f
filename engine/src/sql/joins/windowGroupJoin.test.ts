/**
 * Sluice's fusion of two window aggregates without aggregate functions and the inner window join on their
 * group columns (windowGroupJoin.ts, planWindowGroupJoin.ts; nexmark q8): planned only for that shape, the
 * join's rows as counted here, the same at parallelism 2 and 3, and stopped with a savepoint at random moments
 * and restored. Against Flink itself: test/flink-sql/cases/windowGroupJoin.ts, `sqlConformance.js q8`.
 * SLUICE_CONFORMANCE_SEEDS=N runs N seeds.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SqlSession } from "../index.js";
import { checkRandomCutRestore } from "../restore/randomCutRestore.js";
import type { Row } from "../connectors.js";
import type { OperatorContext } from "../../operators/Operator.js";
import { OperatorHarness } from "../../testing/OperatorHarness.js";
import { WindowGroupJoinOperator, type WindowGroupJoinSpec } from "./windowGroupJoin.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-window-group-join-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 10_000;
const T0 = Date.UTC(2024, 0, 1);
// People every 10 ms (1 s windows of 100 rows): each id two or three times a window, the third under another name; some NULL. Sellers repeat too.
const PEOPLE = Array.from({ length: ROWS }, (_, i) => ({ id: i % 97 === 0 ? null : (i * 7) % 40, name: `n${Math.floor(i / 40) % 3 === 2 ? 1 : 0}`, t: T0 + i * 10 }));
const SALES = Array.from({ length: ROWS }, (_, i) => ({ seller: i % 89 === 0 ? null : (i * 11) % 60, t: T0 + i * 10 + 3 }));
const stamp = (t: number) => new Date(t).toISOString().replace("T", " ").replace("Z", "");
writeFileSync(join(dir, "people.csv"), PEOPLE.map((p) => `${p.id ?? ""},${p.name},${stamp(p.t)}`).join("\n") + "\n");
writeFileSync(join(dir, "sales.csv"), SALES.map((s) => `${s.seller ?? ""},${stamp(s.t)}`).join("\n") + "\n");
const DDL =
  `CREATE TABLE people (id BIGINT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "people.csv")}', 'format' = 'csv', 'csv.null-literal' = '');\n` +
  `CREATE TABLE sales (seller BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${join(dir, "sales.csv")}', 'format' = 'csv', 'csv.null-literal' = '')`;

const side = (groupBy: string, table: string, extra = "") =>
  `(SELECT ${groupBy}, window_start AS starttime, window_end AS endtime${extra} FROM TABLE(TUMBLE(TABLE ${table}, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY ${groupBy}, window_start, window_end)`;
const ON = "P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime";
const Q8 = `SELECT P.id, P.name, P.starttime FROM ${side("id, name", "people")} P JOIN ${side("seller", "sales")} A ON ${ON}`;

/** Q8's rows, counted here: per 1 s window, each (id, name) of a person whose id sold in that window. */
function expectedQ8(): string[] {
  const window = (t: number) => t - (t % 1000);
  const sold = new Set(SALES.filter((s) => s.seller !== null).map((s) => `${window(s.t)}/${s.seller}`));
  const rows = new Set<string>();
  for (const p of PEOPLE) if (p.id !== null && sold.has(`${window(p.t)}/${p.id}`)) rows.add(JSON.stringify([p.id, p.name, stamp(window(p.t))]));
  return [...rows].sort();
}

const shown = (rows: unknown[][]) => rows.map(([id, name, start]) => JSON.stringify([id, name, stamp(start as number)])).sort();

/** Compared by count and first difference: assert's diff of two long arrays takes minutes. */
function sameRows(got: string[], expected: string[], what: string): void {
  const at = got.findIndex((r, i) => r !== expected[i]);
  assert.ok(got.length === expected.length && at < 0, `${what}: ${got.length} rows of ${expected.length}; first difference ${got[at]} vs ${expected[at]}`);
}

async function explain(sql: string): Promise<string> {
  const s = new SqlSession();
  await s.execute(DDL);
  const last = (await s.execute(`EXPLAIN ${sql}`)).at(-1);
  return last?.kind === "message" ? last.text : assert.fail("no plan");
}

test("two window aggregates of groups alone in an inner window join on their group columns run as one operator (EXPLAIN says it is Sluice's); other shapes stay Flink's three", async () => {
  const fused = await explain(Q8);
  assert.match(
    fused,
    /WindowGroupJoin\(fused=\[Sluice's WindowAggregate \+ WindowAggregate \+ WindowJoin\], joinType=\[InnerJoin\], leftWindow=\[TUMBLE\(size=1000ms\)\], rightWindow=\[TUMBLE\(size=1000ms\)\], leftGroupBy=\[id, name\], rightGroupBy=\[seller\]\)/,
    fused,
  );
  assert.doesNotMatch(fused, /window aggregate|WindowJoin\(joinType/, fused);
  for (const unfused of [
    `SELECT P.id FROM ${side("id, name", "people")} P LEFT JOIN ${side("seller", "sales")} A ON ${ON}`,
    `SELECT P.id, A.n FROM ${side("id, name", "people")} P JOIN ${side("seller", "sales", ", COUNT(*) AS n")} A ON ${ON}`,
    `SELECT P.id FROM ${side("id, name", "people")} P JOIN ${side("seller", "sales")} A ON ${ON} WHERE P.name <> 'n1'`,
    // No equality key but the window's.
    `SELECT P.id FROM ${side("id, name", "people")} P JOIN ${side("seller", "sales")} A ON P.starttime = A.starttime AND P.endtime = A.endtime`,
  ]) {
    const plan = await explain(unfused);
    assert.doesNotMatch(plan, /WindowGroupJoin/, plan);
    assert.match(plan, /\] WindowJoin\(joinType=/, plan);
    assert.match(plan, /\] window aggregate/, plan);
  }
});

test("the fused operator's rows are the join's counted here, at parallelism 1, 2 and 3", { timeout: 180_000 }, async () => {
  const expected = expectedQ8();
  assert.ok(expected.length > 500, `${expected.length} rows`);
  for (const p of [1, 2, 3]) {
    const s = new SqlSession();
    await s.execute(DDL);
    const last = (await s.execute(`SET 'parallelism.default' = '${p}';\n${Q8}`)).at(-1);
    assert.equal(last?.kind, "table");
    sameRows(shown(last.rows as unknown[][]), expected, `parallelism ${p}`);
  }
});

test("stopped with a savepoint at a random moment and restored, the fused operator gives the uninterrupted run's rows", { timeout: 180_000 }, async () => {
  const s = new SqlSession();
  await s.execute(DDL);
  const rows = await checkRandomCutRestore(s.catalog, Q8, dir, { seeds: 2, name: "window aggregates + window join", sourceRows: ROWS });
  sameRows(shown(rows as unknown[][]), expectedQ8(), "the uninterrupted run");
});

/** The operator alone over rows [id] of both sides, 10 ms TUMBLE windows, joined on id: group rows [id, start, end]. */
const operatorSpec: WindowGroupJoinSpec = {
  size: 10,
  slide: 10,
  offset: 0,
  sides: [0, 1].map(() => ({
    key: (r: Row) => r[0] as number,
    groupRow: (r: Row, start: number, end: number) => [r[0], start, end],
    sameGroup: (r: Row, g: Row) => r[0] === g[0],
  })) as unknown as WindowGroupJoinSpec["sides"],
  matches: (l, r) => l[0] === r[0],
  concat: (l, r) => [...l, ...r],
};
const factory = (ctx: OperatorContext<Row>) => new WindowGroupJoinOperator(operatorSpec, ctx);

test("restored at another parallelism, each subtask keeps the keys it owns, and the rows are the uninterrupted ones", async () => {
  const h = await OperatorHarness.create<Row, Row>(factory);
  for (let k = 0; k < 20; k++) {
    h.processElement([k], 1, 0);
    h.processElement([k], 2, 0);
    if (k % 2 === 0) h.processElement([k], 3, 1);
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
    Array.from({ length: 10 }, (_, k) => 2 * k),
    "each even id once (its two rows one group), none twice, no odd one (no right row)",
  );
});

test("a row is late by its own input's watermark: the other input's lagging one does not keep it", async () => {
  const h = await OperatorHarness.create<Row, Row>(factory);
  const op = h.operator as WindowGroupJoinOperator;
  h.processElement([1], 5, 1);
  // The left input is at 12 (window [0, 10) fired for it), the right one still at 3: the combined watermark is 3.
  op.onInputWatermark(0, 12);
  op.onInputWatermark(1, 3);
  h.processWatermark(3);
  h.processElement([1], 5, 0);
  h.processWatermark(20);
  assert.deepEqual(h.output, [], "the left row came after its window fired on its side, as the left window aggregate drops it");
});
