/** The "same as DS" column of bench/nexmark/run.ts. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sameOutputs } from "./sameOutputs.js";

const run = (outputs: number, checksum: number) => ({ outputs, checksum });

test("runs of both engines: yes when every pair agrees, NO when any differs", () => {
  assert.equal(sameOutputs([run(10, 7), run(10, 7)], [run(10, 7)]), "yes");
  assert.equal(sameOutputs([run(10, 7)], [run(10, 7), run(10, 8)]), "NO");
  assert.equal(sameOutputs([run(9, 7)], [run(10, 7)]), "NO");
});

test("an engine without runs (--engines sluice,sluice-sql) is not checked, not a mismatch", () => {
  assert.equal(sameOutputs([run(10, 7)], []), "not checked");
  assert.equal(sameOutputs([], [run(10, 7)]), "not checked");
});
