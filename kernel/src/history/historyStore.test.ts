import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HistoryStore } from "./historyStore.js";

test("history persists across sessions and answers tail, range and search", () => {
  const file = join(mkdtempSync(join(tmpdir(), "sluice-hist-")), "h.jsonl");
  const first = new HistoryStore(file);
  first.record(1, "const a = 1", null);
  first.record(2, "a + 1", "2");
  const second = new HistoryStore(file);
  assert.equal(second.session, first.session + 1);
  second.record(1, "a + 1", "2");
  assert.deepEqual(second.query({ hist_access_type: "tail", n: 2 }), [
    [first.session, 2, "a + 1"],
    [second.session, 1, "a + 1"],
  ]);
  assert.deepEqual(second.query({ hist_access_type: "range", session: first.session, start: 2, stop: 3, output: true }), [[first.session, 2, ["a + 1", "2"]]]);
  assert.equal(second.query({ hist_access_type: "search", pattern: "a +*" }).length, 2);
  assert.equal(second.query({ hist_access_type: "search", pattern: "a +*", unique: true }).length, 1);
  assert.deepEqual(second.query({ hist_access_type: "range", session: 0 }), [[second.session, 1, "a + 1"]]);
});
