import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { ReplayGuard } from "./replayGuard.js";

test("the replay guard admits a signature once and stays bounded", () => {
  const g = ReplayGuard.create(4);
  assert.equal(g.admit("a"), true);
  assert.equal(g.admit("a"), false);
  for (const s of ["b", "c", "d", "e"]) assert.equal(g.admit(s), true);
  assert.equal(g.admit("e"), false);
  assert.equal(g.admit("a"), true, "the oldest half is forgotten when the history is full");
  assert.equal(g.admit(""), true, "without a key nothing is signed and nothing is remembered");
  assert.equal(g.admit(""), true);
});

test("a full history still remembers at least the newest half", () => {
  const g = ReplayGuard.create(1 << 10);
  const sigs = Array.from({ length: 5000 }, (_, i) => `sig-${i}`);
  for (const s of sigs) assert.equal(g.admit(s), true);
  for (const s of sigs.slice(-512)) assert.equal(g.admit(s), false, s);
});

/** Admits `sigs` in a worker over the same shared history; resolves with how many it admitted. */
function admitInWorker(memory: SharedArrayBuffer, sigs: string[]): Promise<number> {
  const source = `
    const { workerData, parentPort } = require("node:worker_threads");
    import(workerData.module).then(({ ReplayGuard }) => {
      const g = ReplayGuard.open(workerData.memory);
      parentPort.postMessage(workerData.sigs.filter((s) => g.admit(s)).length);
    });`;
  const module = new URL("./replayGuard.js", import.meta.url).href;
  const worker = new Worker(source, { eval: true, workerData: { memory, sigs, module } });
  return new Promise((resolve, reject) => {
    worker.once("message", (n: number) => void worker.terminate().then(() => resolve(n)));
    worker.once("error", reject);
  });
}

test("one history across threads: what one thread admitted is a replay on the other", async () => {
  const g = ReplayGuard.create();
  assert.equal(g.admit("seen-on-main"), true);
  assert.equal(await admitInWorker(g.memory, ["seen-on-main", "seen-on-worker"]), 1);
  assert.equal(g.admit("seen-on-worker"), false);
});

test("two threads admitting the same signatures at once admit each exactly once", async () => {
  const g = ReplayGuard.create();
  const sigs = Array.from({ length: 20_000 }, (_, i) => `sig-${i}`);
  const reversed = [...sigs].reverse();
  const worker = admitInWorker(g.memory, sigs);
  const here = reversed.filter((s) => g.admit(s)).length;
  assert.equal(here + (await worker), sigs.length);
});
