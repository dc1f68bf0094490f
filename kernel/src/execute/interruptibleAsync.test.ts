import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { CellRunner } from "./cellRunner.js";
import { InterruptLine } from "../wire/interruptLine.js";
import { watchSigint } from "../session/sigintWatch.js";

/**
 * A cell's code after an `await` is interrupted as its first stretch is (issue 14). The control
 * worker is played by a thread that counts an interrupt and raises SIGINT while cell code runs,
 * checking every 20 ms until the test settles it, as controlWorker.ts does.
 */
const line = new InterruptLine();
const runner = new CellRunner(process.cwd(), line);
watchSigint(() => runner.interrupt());
after(() => runner.close());

/** Interrupts `afterMs` from now, from another thread, until `line` is settled. */
function interruptLater(afterMs: number): Worker {
  const w = new Worker(
    `const { workerData } = require("node:worker_threads");
     const slots = new Int32Array(workerData.buffer);
     setTimeout(() => {
       Atomics.add(slots, 0, 1);
       const raise = () => {
         if (Atomics.load(slots, 1) >= Atomics.load(slots, 0)) return;
         if (Atomics.load(slots, 2) > 0) process.kill(process.pid, "SIGINT");
         setTimeout(raise, 20);
       };
       raise();
     }, workerData.afterMs);`,
    { eval: true, workerData: { buffer: line.buffer, afterMs } },
  );
  return w;
}

async function interrupted(code: string, count: number): Promise<void> {
  const w = interruptLater(150);
  try {
    const r = await runner.execute(code, count);
    assert.equal(r.status, "error", code);
    if (r.status === "error") assert.equal(r.error.ename, "Interrupted", code);
  } finally {
    line.settle();
    await w.terminate();
  }
}

test("a loop after `await null` is interrupted, and the cells' variables survive", async () => {
  await runner.execute("const kept = 41;", 1);
  await interrupted("await null;\nwhile (true) {}", 2);
  assert.deepEqual(await runner.execute("kept + 1", 3), { status: "ok", result: { value: 42 } });
});

test("a loop after a timer await, and one inside an async function the cell awaits, are interrupted", async () => {
  await interrupted("await new Promise((r) => setTimeout(r, 10));\nwhile (true) {}", 4);
  await interrupted("async function spin(): Promise<never> { await null; while (true) {} }\nawait spin();", 5);
});

test("a cell interrupted while it compiles stops before its first statement", async () => {
  const since = line.requested();
  line.request(Date.now()); // the interrupt came after the request, before the code ran
  const r = await runner.execute("(globalThis as any).ranAnyway = true;\nwhile (true) {}", 6, since);
  line.settle();
  assert.equal(r.status === "error" && r.error.ename, "Interrupted");
  assert.equal((globalThis as Record<string, unknown>).ranAnyway, undefined);
});

test("code an interrupted cell left waiting does not run on when it resumes", async () => {
  const pending = runner.execute("await new Promise((r) => setTimeout(r, 50));\n(globalThis as any).resumed = true;", 7);
  setTimeout(() => runner.interrupt(), 10);
  const r = await pending;
  assert.equal(r.status === "error" && r.error.ename, "Interrupted");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((globalThis as Record<string, unknown>).resumed, undefined);
});

test("async code still behaves: values, for await, async generators, errors at the cell's line", async () => {
  assert.deepEqual(await runner.execute("async function twice(x: number) { await null; return 2 * x; }\nawait twice(21)", 8), { status: "ok", result: { value: 42 } });
  assert.deepEqual(await runner.execute("async function* gen() { yield 1; yield 2; }\nlet s = 0;\nfor await (const x of gen()) s += x;\ns", 9), { status: "ok", result: { value: 3 } });
  const r = await runner.execute("async function fail() {\n  await null;\n  throw new RangeError('late');\n}\nawait fail();", 10);
  assert.equal(r.status, "error");
  if (r.status === "error") assert.match(r.error.traceback.join("\n"), /at fail \(Cell In\[10\], line 3, column 9\)/);
  assert.deepEqual(await runner.execute("async function fact(n: number): Promise<number> { await null; return n <= 1 ? 1 : n * (await fact(n - 1)); }\nawait fact(5)", 11), {
    status: "ok",
    result: { value: 120 },
  });
});

test("an interrupt the client sent after a request is the request's own, an older one nobody's", () => {
  const l = new InterruptLine();
  l.request(1000); // an interrupt of an idle kernel
  assert.equal(l.since(2000), 1); // a later request: not its interrupt, and settled
  assert.equal(l.pending(), false);
  l.request(3000); // overtook the request sent at 2500
  assert.equal(l.since(2500), 1);
  assert.equal(l.pending(), true);
  l.settle();
  assert.equal(l.since(2500), 2); // once handled, it stops nothing else
});

test("a traceback shows the cell's frames only: none of the code that runs the cell in vm", async () => {
  const r = await runner.execute("const q = 1;\nfunction boom() { throw new Error('x'); }\nboom();", 12);
  assert.equal(r.status, "error");
  if (r.status !== "error") return;
  const frames = r.error.traceback.filter((l) => /^\s+at /.test(l));
  assert.deepEqual(frames, ["    at boom (Cell In[12], line 2, column 25)", "    at (Cell In[12], line 3, column 1)"]);
});
