import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Channel } from "./Channel.js";
import type { StreamElement } from "./StreamElement.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const batch = (n: number): StreamElement => ({ kind: "records", batch: { values: new Array(n).fill(0), timestamps: new Array(n).fill(Number.NaN) } });

test("elements come out in order and the backlog counts records", () => {
  const c = new Channel(10, 64);
  c.push(batch(4));
  c.push({ kind: "watermark", timestamp: 7 });
  c.push(batch(6));
  assert.equal(c.queuedRecords, 10);
  assert.equal(c.hasRoom, false);
  assert.equal(c.shift()?.kind, "records");
  assert.deepEqual(c.shift(), { kind: "watermark", timestamp: 7 });
  assert.equal(c.queuedRecords, 6);
  assert.equal(c.length, 1);
});

test("a consumed batch is not kept reachable by a channel that never runs empty", async () => {
  const c = new Channel(1_000_000, 1_000_000);
  let first: StreamElement | undefined = batch(1000);
  const firstRef = new WeakRef(first);
  c.push(first);
  c.push(batch(1));
  first = undefined;
  c.shift(); // the first batch is consumed; the second stays queued, so the channel is not empty
  await new Promise((resolve) => setImmediate(resolve)); // WeakRef targets live until the job ends
  gc();
  assert.equal(firstRef.deref(), undefined);
  assert.equal(c.length, 1);
});
