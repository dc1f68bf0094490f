import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWarmupPer, warmupEvents } from "./warmupEvents.js";

test("per subtask: every subtask gets --warmup events at every parallelism (a run gets warmup × p)", () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((p) => warmupEvents(1_000_000, p, "subtask")),
    [1_000_000, 2_000_000, 3_000_000, 4_000_000],
  );
});

test("per process (the old protocol): every run gets --warmup events whatever the parallelism", () => {
  assert.deepEqual(
    [1, 2, 3].map((p) => warmupEvents(1_000_000, p, "process")),
    [1_000_000, 1_000_000, 1_000_000],
  );
});

test("no warm-up stays none at any parallelism", () => {
  assert.equal(warmupEvents(0, 2, "subtask"), 0);
});

test("a bad --warmup-per, warm-up or parallelism is an error that names it", () => {
  assert.throws(() => parseWarmupPer("thread"), /--warmup-per must be subtask or process, not 'thread'/);
  assert.throws(() => warmupEvents(-1, 2, "subtask"), /--warmup must be a whole number/);
  assert.throws(() => warmupEvents(1000, 0, "subtask"), /parallelism must be a whole number of at least 1/);
  assert.equal(parseWarmupPer("process"), "process");
});
