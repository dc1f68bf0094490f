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

test("an append-only inner join keeps a key's rows as one flat list of their kept values and pads the joined row with NULL where nothing reads", () => {
  const store = new KeyedStateStore();
  // Left rows are 3 wide, of which columns 0 and 2 are read; right rows 2 wide, column 1 read.
  const fn = appendOnlyInnerJoinFunction((r) => r[4] !== 30, flatJoin({ kept: [0, 2], width: 3 }, { kept: [1], width: 2 }));
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
