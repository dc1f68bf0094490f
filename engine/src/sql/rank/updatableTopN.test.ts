/**
 * UpdatableTopN against a model: rows keyed by id whose sort key only grows (ties included, and
 * updates that keep the sort key but change another column), sent as a GROUP BY sends them (+I, then
 * -U/+U pairs); after every change the changelog so far, folded, must be the model's rows of ranks
 * [start, end] — ties in the order the rows reached that sort key. Flink's own changelog for the same
 * function is compared change by change in test/flink-sql (cases/updatingTopN.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { ValueState } from "../../state/State.js";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import { sortKeyComparator } from "./rankFunctions.js";
import { updatableTopN } from "./updatableTopN.js";

function context(values = new Map<string, unknown>()): KeyedRuntimeContext {
  const state = <T>(name: string): ValueState<T> => ({
    value: () => values.get(name) as T | undefined,
    update: (v) => void values.set(name, v),
    clear: () => void values.delete(name),
  });
  return { getState: state } as unknown as KeyedRuntimeContext;
}

const ctx = { getCurrentKey: () => "" } as never;

function run(seed: number, start: number, end: number, outputRankNumber: boolean): void {
  const random = seededRandom(seed);
  const fn = updatableTopN(
    (r) => [r[1]],
    sortKeyComparator([{ desc: true }]),
    (r) => String(r[0]),
    start,
    end,
    outputRankNumber,
  );
  fn.open?.(context());
  const out: Change[] = [];
  const collector = { collect: (c: Change) => void out.push(c) };
  // The model: each id's row and when it reached its current sort key.
  const rows = new Map<number, { row: Row; since: number }>();
  for (let step = 0; step < 300; step++) {
    const id = Math.floor(random() * 8);
    const prev = rows.get(id);
    const grow = Math.floor(random() * 3);
    const row: Row = [id, ((prev?.row[1] as number) ?? 0) + (prev ? grow : 1), step];
    if (prev) {
      fn.processElement({ kind: "-U", row: prev.row }, ctx, collector);
      fn.processElement({ kind: "+U", row }, ctx, collector);
    } else fn.processElement({ kind: "+I", row }, ctx, collector);
    rows.set(id, { row, since: prev && grow === 0 ? prev.since : step });
    const sorted = [...rows.values()].sort((a, b) => (b.row[1] as number) - (a.row[1] as number) || a.since - b.since);
    const expected = sorted.slice(start - 1, end).map((h, i) => (outputRankNumber ? [...h.row, start + i] : h.row));
    const at = `seed ${seed}, range [${start}, ${end}], rank ${outputRankNumber ? "shown" : "not shown"}, step ${step}`;
    assert.deepEqual(fold(out, outputRankNumber), expected.map((r) => JSON.stringify(r)).sort(), at);
  }
}

/** +I/+U add, -U/-D remove (by the rank when shown, else by the id). */
function fold(changes: Change[], byRank: boolean): string[] {
  const table = new Map<string, string>();
  for (const { kind, row } of changes) {
    const key = String(byRank ? row[row.length - 1] : row[0]);
    if (kind === "+I" || kind === "+U") table.set(key, JSON.stringify(row));
    else {
      assert.equal(table.get(key), JSON.stringify(row), `${kind} of ${JSON.stringify(row)}, not in the table`);
      table.delete(key);
    }
  }
  return [...table.values()].sort();
}

test("UpdatableTopN's changelog folds to the model's top rows after every update", () => {
  for (const seed of [1, 2, 3])
    for (const [start, end] of [
      [1, 1],
      [1, 3],
      [2, 4],
    ] as const)
      for (const shown of [true, false]) run(seed, start, end, shown);
});

test("UpdatableTopN holds only the top rows, and fails on a deletion it was planned never to get", () => {
  const values = new Map<string, unknown>();
  const fn = updatableTopN(
    (r) => [r[1]],
    sortKeyComparator([{ desc: true }]),
    (r) => String(r[0]),
    1,
    2,
    true,
  );
  fn.open?.(context(values));
  const out = { collect: () => {} };
  for (let id = 0; id < 10; id++) fn.processElement({ kind: "+I", row: [id, id, 0] }, ctx, out);
  const held = values.get("updatable-topn") as { rows: Row[] }[];
  // As Flink's buffer: the row a new one pushes to rank N + 1 stays until the next push, the rest go.
  assert.deepEqual(
    held.flatMap((e) => e.rows.map((r) => r[0])),
    [9, 8, 7],
  );
  assert.throws(() => fn.processElement({ kind: "-D", row: [9, 9, 0] }, ctx, out), /UpdatableTopN got a deletion/);
});

test("a sort key that goes down (never planned: the input is monotonic) takes Flink's lenient path, ranks from the old to the new one", () => {
  const fn = updatableTopN(
    (r) => [r[1]],
    sortKeyComparator([{ desc: true }]),
    (r) => String(r[0]),
    1,
    3,
    true,
  );
  fn.open?.(context());
  const out: Change[] = [];
  const collector = { collect: (c: Change) => void out.push(c) };
  for (const [id, v] of [
    ["a", 5],
    ["b", 4],
    ["c", 3],
  ] as const)
    fn.processElement({ kind: "+I", row: [id, v] }, ctx, collector);
  out.length = 0;
  fn.processElement({ kind: "+U", row: ["a", 3.5] }, ctx, collector);
  // As Flink 1.20.1's emitRecordsWithRowNumberIgnoreStateError, without its walk one entry past the new rank
  // (it then retracts the moved row at a rank it never held, and the changelog no longer folds).
  assert.deepEqual(out, [
    { kind: "-U", row: ["a", 5, 1] },
    { kind: "-U", row: ["b", 4, 2] },
    { kind: "+U", row: ["b", 4, 1] },
    { kind: "+U", row: ["a", 3.5, 2] },
  ]);
});
