/**
 * Issue 20: a nexmark SQL job stopped with a savepoint at one parallelism and resumed at another gives the
 * uninterrupted run's table (sqlRescale.ts). A subset of its matrix, one state of each kind: an updating
 * join and aggregate (q4), hopping windows and a window join (q5), a window Top-1 with its prune and two
 * phases (q7), ROW_NUMBER (q9), session windows (q11), a regular join (q20). The whole matrix (q10 with its
 * committing filesystem sink, q13 with its lookup join among them):
 * `node dist/bench/nexmark/sqlRescale.js` (~2 min of wall time on a quiet machine, less CPU).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { rescaleRun, uninterrupted } from "./sqlRescale.js";

const CASES: [query: string, events: number, transitions: [number, number][]][] = [
  ["q4", 60_000, [[1, 2]]],
  ["q5", 60_000, [[2, 1]]],
  // Windows of 10 s at 10,000 events a second: 300,000 events give a few of them, the cut falling in any.
  [
    "q7",
    300_000,
    [
      [1, 2],
      [2, 3],
    ],
  ],
  ["q9", 60_000, [[2, 3]]],
  ["q11", 60_000, [[2, 1]]],
  ["q20", 60_000, [[1, 2]]],
];

for (const [query, events, transitions] of CASES) {
  test(`nexmark ${query} (SQL): a savepoint at p=${transitions.map(([a, b]) => `${a} resumed at p=${b}`).join(", at p=")} gives the uninterrupted table`, async () => {
    const expected = await uninterrupted(query, events);
    assert.ok(expected.length > 0, `${query}: no rows`);
    for (const [from, to] of transitions) {
      const run = await rescaleRun(query, events, from, to, from * 10 + to, expected);
      assert.equal(run.outcome, "same", `${query} p=${from} -> p=${to}: ${run.detail}`);
    }
  });
}

test("nexmark q11 (SQL) into a DuckDB table: a savepoint at p=2 resumed at p=3 leaves the uninterrupted run's rows there", async () => {
  const expected = await uninterrupted("q11", 60_000, "duckdb");
  assert.ok(expected.length > 0, "q11: no rows");
  const run = await rescaleRun("q11", 60_000, 2, 3, 23, expected, "duckdb");
  assert.equal(run.outcome, "same", `q11 into DuckDB p=2 -> p=3: ${run.detail}`);
});
