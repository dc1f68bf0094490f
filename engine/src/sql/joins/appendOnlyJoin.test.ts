/**
 * The inner join of append-only inputs keeps each side's compact rows (only the columns read after the
 * join) as one flat list of values per key, and builds the full-width joined row with NULL where a
 * column was not kept. Its results against Flink: test/flink-sql/cases/joins.ts and nexmark q3/q4/q7/q9
 * (`node dist/bench/nexmark/sqlConformance.js`); restore at random moments: regularJoinState.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyedStateStore } from "../../state/KeyedStateStore.js";
import type { Row } from "../connectors.js";
import { appendOnlyInnerJoinFunction } from "./appendOnlyJoin.js";
import { flatJoin } from "./compactRows.js";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { rowTypeOf } from "../../exchange/edgeCodec.js";
import { SqlSession } from "../index.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";

test("an append-only inner join keeps a key's rows as one flat list of their kept values and pads the joined row with NULL where nothing reads", () => {
  const store = new KeyedStateStore();
  // Left rows are 3 wide, of which columns 0 and 2 are read; right rows 2 wide, column 1 read.
  const fn = appendOnlyInnerJoinFunction(flatJoin({ kept: [0, 2], width: 3 }, { kept: [1], width: 2 }, (r) => r[4] !== 30));
  void fn.open?.({ getListState: (name: string) => store.getListState(name) } as never);
  let key: unknown = 1;
  const ctx = { getCurrentKey: () => key } as never;
  const out: Row[] = [];
  const collector = { collect: (r: Row) => void out.push(r) };
  const at = (k: unknown) => {
    key = k;
    store.setCurrentKey(k, k as number | null);
  };
  at(1);
  fn.processElement1?.(["a", "x"], ctx, collector);
  fn.processElement2?.([10], ctx, collector);
  fn.processElement2?.([30], ctx, collector);
  fn.processElement2?.([20], ctx, collector);
  fn.processElement1?.(["b", "y"], ctx, collector);
  at(null);
  fn.processElement1?.(["c", "z"], ctx, collector);
  assert.deepEqual(out, [
    ["a", null, "x", null, 10],
    ["a", null, "x", null, 20],
    ["b", null, "y", null, 10],
    ["b", null, "y", null, 20],
  ]);
  const tables = Object.fromEntries(store.snapshot().tables.map((t) => [t.name, t.entries]));
  assert.deepEqual(tables, { "left-values": [[1, ["a", "x", "b", "y"]]], "right-values": [[1, [10, 30, 20]]] }, "no object per row; a NULL key is not kept");
});

test("an append-only inner join outputs only the joined columns read after it; the rest of ON is checked on a scratch row, so a column only ON reads never leaves the join", () => {
  const store = new KeyedStateStore();
  // Joined row: left [id, start, category], right [auction, price, time]; ON checks time >= start, the output is category and price.
  const fn = appendOnlyInnerJoinFunction(flatJoin({ kept: undefined, width: 3 }, { kept: undefined, width: 3 }, (r) => (r[5] as number) >= (r[1] as number), [2, 4]));
  void fn.open?.({ getListState: (name: string) => store.getListState(name) } as never);
  const ctx = { getCurrentKey: () => 7 } as never;
  store.setCurrentKey(7, 7);
  const out: Row[] = [];
  const collector = { collect: (r: Row) => void out.push(r) };
  fn.processElement1?.([7, 100, 10], ctx, collector);
  fn.processElement2?.([7, 5, 150], ctx, collector);
  fn.processElement2?.([7, 6, 50], ctx, collector);
  fn.processElement1?.([7, 140, 11], ctx, collector);
  assert.deepEqual(out, [
    [10, 5],
    [11, 5],
  ]);
});

test("the join of nexmark q4's shape (grouped without the join key, so not fused into JoinGroupAggregate) hands its GROUP BY rows of the columns read after it (category, price), not both sides at full width", async () => {
  const session = new SqlSession();
  const time = "dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '10')";
  await session.execute(`CREATE TABLE auction (id BIGINT, itemName STRING, expires TIMESTAMP(3), category BIGINT, ${time}`);
  await session.execute(`CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ${time}`);
  const [parsed] = parseScript("SELECT MAX(B.price) AS final, A.category FROM auction A, bid B WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.category");
  assert.ok(parsed?.statement.kind === "query");
  const env = StreamEnvironment.create({ parallelism: 1 });
  new Planner(env, session.catalog).plan(parsed.statement.query);
  const join = env.graph.all().find((n) => n.name.startsWith("Join("));
  assert.ok(join, "a regular join");
  assert.deepEqual(
    rowTypeOf(join)?.fields.map((f) => f.name),
    ["category", "price"],
  );
});
