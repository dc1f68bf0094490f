import assert from "node:assert/strict";
import test from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SystemClock } from "../../time/Clock.js";
import type { Task } from "../Task.js";
import { METRICS_EVERY_MS } from "./protocol.js";
import { WorkerLoop } from "./WorkerLoop.js";

/** A subtask that has one step to take each time it is given one, as a worker's subtask fed by its peers' messages. */
function burstyTask(): { task: Task; give(): void; steps(): number } {
  let pending = 0;
  let taken = 0;
  const task = {
    finished: false,
    fireTimers: () => false,
    canRun: () => pending > 0,
    runOnce: () => {
      pending--;
      taken++;
    },
    nextWakeUp: () => Number.POSITIVE_INFINITY,
  } as unknown as Task;
  return { task, give: () => pending++, steps: () => taken };
}

test("a worker going quiet between its peers' messages reports at most once per METRICS_EVERY_MS, and what it did last without another message", async () => {
  const { task, give, steps } = burstyTask();
  const reports: { at: number; steps: number }[] = [];
  const loop = new WorkerLoop(
    [task],
    new SystemClock(),
    50,
    () => reports.push({ at: performance.now(), steps: steps() }),
    (error) => assert.fail(String(error)),
  );
  loop.taskStarted(task);
  // 40 messages 1 ms apart: the loop runs a step and goes quiet after each.
  const start = performance.now();
  for (let i = 0; i < 40; i++) {
    give();
    loop.notify();
    await sleep(1);
  }
  const burst = performance.now() - start;
  assert.equal(steps(), 40);
  // The last report counts every step, and it comes without another message to wake the loop (its timer; within
  // METRICS_EVERY_MS on an idle machine, so the 2 s here only spare a loaded one).
  for (let waited = 0; reports.at(-1)?.steps !== 40 && waited < 2000; waited += 5) await sleep(5);
  loop.halt();
  assert.equal(reports.at(-1)?.steps, 40, "no report after the last step");
  // Before, every quiet spell sent one (40 here): the main thread received a report per message a worker took.
  const during = reports.filter((r) => r.at <= start + burst).length;
  const allowed = Math.ceil(burst / METRICS_EVERY_MS) + 1;
  assert.ok(during <= allowed, `${during} reports in ${burst.toFixed(0)} ms, at most ${allowed} expected`);
});
