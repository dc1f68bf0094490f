import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { parseSchedstat, threadTimes, timeBetween } from "./threadTime.js";

test("a schedstat line gives its run and wait nanoseconds; anything else gives nothing", () => {
  assert.deepEqual(parseSchedstat("1234567 89 12\n"), { run: 1234567, wait: 89 });
  assert.equal(parseSchedstat(""), undefined);
  assert.equal(parseSchedstat("12"), undefined);
  assert.equal(parseSchedstat("a b c"), undefined);
});

test("time between two readings sums over threads, a thread born in between from zero", () => {
  const before = new Map([["1", { run: 1e9, wait: 2e8 }]]);
  const after = new Map([
    ["1", { run: 3e9, wait: 5e8 }],
    ["2", { run: 5e8, wait: 1e8 }],
  ]);
  assert.deepEqual(timeBetween(before, after), { runSeconds: 2.5, waitSeconds: 0.4 });
});

test("this process's threads are read, the main thread's run time grows with work", { skip: !existsSync("/proc/self/task") }, () => {
  const first = threadTimes();
  assert.ok(first !== undefined);
  const main = String(process.pid);
  const start = first.get(main);
  assert.ok(start !== undefined, "the main thread's id is the process id");
  // Work until the counter moves (it counts on-CPU nanoseconds; no time limit is asserted).
  let now = start;
  let x = 0;
  while (now.run === start.run) {
    for (let i = 0; i < 1e6; i++) x += i % 7;
    now = threadTimes()?.get(main) ?? now;
  }
  assert.ok(x > 0 && now.run > start.run && now.wait >= start.wait);
});
