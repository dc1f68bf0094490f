/**
 * RetractableTopNFunction against a model: random inserts and retractions (ties included) into one
 * partition, and after every change the changelog so far, folded, must be the model's top rows of
 * ranks [start, end] — by rank when the rank is shown, as a multiset when not. Flink's own changelog
 * for the same function is compared change by change in test/flink-sql (cases/updatingTopN.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { ValueState } from "../../state/State.js";
import { seededRandom } from "../../testing/chaosSource.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import { sortKeyComparator } from "./rankFunctions.js";
import { retractableTopN } from "./retractTopN.js";

/** One key's state: the function runs on a single partition here. */
function context(): KeyedRuntimeContext {
  const values = new Map<string, unknown>();
  const state = <T>(name: string): ValueState<T> => ({
    value: () => values.get(name) as T | undefined,
    update: (v) => void values.set(name, v),
    clear: () => void values.delete(name),
  });
  return { getState: state } as unknown as KeyedRuntimeContext;
}

function run(seed: number, start: number, end: number, outputRankNumber: boolean): void {
  const random = seededRandom(seed);
  const fn = retractableTopN((r) => [r[1]], sortKeyComparator([{ desc: true }]), start, end, outputRankNumber);
  fn.open?.(context());
  const out: Change[] = [];
  const collector = { collect: (c: Change) => void out.push(c) };
  // The model: rows in Flink's order (sort key descending, then arrival), each row's arrival stamped.
  let held: { row: Row; seq: number }[] = [];
  let seq = 0;
  for (let step = 0; step < 400; step++) {
    const retract = held.length > 0 && random() < 0.4;
    if (retract) {
      const { row } = held[Math.floor(random() * held.length)] as { row: Row };
      fn.processElement({ kind: random() < 0.5 ? "-U" : "-D", row }, {} as never, collector);
      // Flink retracts the first equal row of that sort key, the earliest to arrive.
      const first = held.findIndex((h) => h.row.every((v, i) => v === row[i]));
      held = held.filter((_, i) => i !== first);
    } else {
      const row: Row = [Math.floor(random() * 6), Math.floor(random() * 5)];
      fn.processElement({ kind: random() < 0.5 ? "+I" : "+U", row }, {} as never, collector);
      held.push({ row, seq: seq++ });
    }
    const sorted = [...held].sort((a, b) => (b.row[1] as number) - (a.row[1] as number) || a.seq - b.seq);
    const expected = sorted.slice(start - 1, end).map((h, i) => (outputRankNumber ? [...h.row, start + i] : h.row));
    const at = `seed ${seed}, range [${start}, ${end}], rank ${outputRankNumber ? "shown" : "not shown"}, step ${step}`;
    assert.deepEqual(fold(out, outputRankNumber), expected.map((r) => JSON.stringify(r)).sort(), at);
  }
}

/** +I/+U add, -U/-D remove (by the rank when shown: Flink's unique key is then the rank). */
function fold(changes: Change[], byRank: boolean): string[] {
  const table = new Map<string, string[]>();
  for (const { kind, row } of changes) {
    const key = byRank ? String(row[row.length - 1]) : JSON.stringify(row);
    const rows = table.get(key) ?? [];
    if (kind === "+I" || kind === "+U") table.set(key, byRank ? [JSON.stringify(row)] : [...rows, JSON.stringify(row)]);
    else {
      assert.ok(rows.includes(JSON.stringify(row)), `${kind} of ${JSON.stringify(row)}, not in the table`);
      table.set(key, byRank ? [] : rows.slice(1));
    }
  }
  return [...table.values()].flat().sort();
}

test("RetractableTopN's changelog folds to the model's top rows after every insert and retraction", () => {
  for (const seed of [1, 2, 3])
    for (const [start, end] of [
      [1, 1],
      [1, 3],
      [2, 4],
    ] as const)
      for (const shown of [true, false]) run(seed, start, end, shown);
});
