/**
 * A keyed exchange's producer writes each record straight into its channel's batch (Channel.beginRecords,
 * runGatherer.ts): local channels get a batch per routed batch, remote ones gather several routed batches
 * and pushed elements into one encoded message. What every consumer subtask takes must be what routing
 * each batch alone and pushing its part would give, in order, watermarks in place. In-process message
 * ports, the columnar codec as a worker's. Fast: well under a second.
 */
import assert from "node:assert/strict";
import { MessageChannel } from "node:worker_threads";
import { test } from "node:test";
import { columnarCodec } from "../../exchange/columnar/index.js";
import type { PlanEdge } from "../../graph/JobPlan.js";
import { keyGroupOf, normalizeKey, subtaskForKeyGroup } from "../../graph/keys.js";
import { Channel, MAX_PRESIZED } from "../Channel.js";
import { OutputRouter } from "../OutputRouter.js";
import type { StreamElement } from "../StreamElement.js";
import { DataPorts } from "./RemoteChannels.js";
import { RunGatherer } from "./runGatherer.js";

interface Bid {
  k: number | string | null;
  channel: string;
}

const selector = (b: Bid): unknown => {
  if (b.k === null) throw new Error("no key");
  return b.k;
};
const subtaskOf = (b: Bid, n: number) => subtaskForKeyGroup(keyGroupOf(normalizeKey(b.k), 128), 128, n);

function bids(from: number, count: number): Bid[] {
  return Array.from({ length: count }, (_, i) => ({ k: (from + i) % 11 === 3 ? null : (from + i) % 5 === 0 ? `a${from + i}` : (from + i) * 7, channel: `ch${(from + i) % 4}` }));
}

function drain(channel: Channel): StreamElement[] {
  const out: StreamElement[] = [];
  for (let e = channel.shift(); e !== undefined; e = channel.shift()) out.push(e);
  return out;
}

test("routed records reach local and remote subtasks as routing each batch alone would give: interleaved keys, failing keys, strings, watermarks in place", async () => {
  const n = 3;
  const { port1, port2 } = new MessageChannel();
  const fail = (error: unknown) => assert.fail(String(error));
  const producer = new DataPorts(new Map([[1, port1]]), columnarCodec, () => undefined, fail);
  const consumer = new DataPorts(new Map([[0, port2]]), columnarCodec, () => undefined, fail);
  const edge = { from: { name: "bids", node: {} }, to: { name: "window", node: {} }, tag: undefined, partitioning: { kind: "hash" }, inputIndex: 0 } as unknown as PlanEdge;
  const local = new Channel(1_000_000, 1000);
  const channels = [local, producer.outTo(1, "e1", 1_000_000, 1000, edge), producer.outTo(1, "e2", 1_000_000, 1000, edge)];
  const inbound = [local, consumer.inFrom(0, "e1", 1_000_000, 1000), consumer.inFrom(0, "e2", 1_000_000, 1000)];
  const failures: Bid[] = [];
  const router = new OutputRouter<Bid>([
    { tagId: undefined, partitioning: { kind: "hash", keySelector: selector as (v: unknown) => unknown }, channels, maxParallelism: 128, keyError: (_cause, value) => failures.push(value as Bid) },
  ]);
  // Several routed batches per message (no microtask between them), one whose records all fail, one too
  // small to reach every subtask, one routed in parts (past MAX_PRESIZED).
  const big = MAX_PRESIZED + 500;
  const script: (Bid[] | number)[] = [bids(0, 50), [{ k: null, channel: "x" }], bids(50, 2), 1000, bids(52, 300), 2000, bids(352, 1), bids(353, 40), bids(393, big)];
  for (const step of script) {
    if (typeof step === "number") router.broadcast({ kind: "watermark", timestamp: step });
    else {
      router.emitBatch(
        step,
        step.map((_, i) => 1_700_000_000_000.5 + i),
      );
      router.flush();
    }
  }
  router.broadcast({ kind: "end" }); // posts what the remote channels gathered
  const got: StreamElement[][] = [drain(local), [], []];
  for (let waited = 0; waited < 200 && (got[1]!.at(-1)?.kind !== "end" || got[2]!.at(-1)?.kind !== "end"); waited++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const s of [1, 2]) got[s]!.push(...drain(inbound[s] as Channel));
  }
  producer.close();
  consumer.close();

  const expected: StreamElement[][] = Array.from({ length: n }, () => []);
  for (const step of script) {
    for (let s = 0; s < n; s++) {
      if (typeof step === "number") {
        expected[s]!.push({ kind: "watermark", timestamp: step });
        continue;
      }
      for (let from = 0; from < step.length; from += MAX_PRESIZED) {
        const values: Bid[] = [];
        const timestamps: number[] = [];
        step.slice(from, from + MAX_PRESIZED).forEach((b, i) => {
          if (b.k !== null && subtaskOf(b, n) === s) {
            values.push(b);
            timestamps.push(1_700_000_000_000.5 + from + i);
          }
        });
        if (values.length > 0) expected[s]!.push({ kind: "records", batch: { values, timestamps } });
      }
    }
  }
  for (const e of expected) e.push({ kind: "end" });
  assert.deepStrictEqual(
    got.map((elements) => elements.map((e) => (e.kind === "records" ? { kind: "records", batch: { values: [...e.batch.values], timestamps: [...e.batch.timestamps] } } : e))),
    expected,
  );
  assert.deepEqual(
    failures.map((b) => b.channel),
    script.flatMap((step) => (typeof step === "number" ? [] : step.filter((b) => b.k === null).map((b) => b.channel))),
  );
  assert.ok(
    expected.every((e) => e.filter((x) => x.kind === "records").length >= 3),
    "every subtask got several batches",
  );
});

test("the gatherer keeps a lone pushed batch as it is, copies it when more records come, and keeps empty batches and watermarks as runs", () => {
  const g = new RunGatherer();
  assert.equal(g.take(), undefined);
  const a = { values: [1, 2, 3], timestamps: [10, 20, 30] };
  g.addBatch(a);
  g.addElement({ kind: "watermark", timestamp: 30 });
  assert.ok(g.replaceWatermark({ kind: "watermark", timestamp: 31 }));
  g.addBatch({ values: [], timestamps: [] });
  const lone = g.take()!;
  assert.equal(lone.batch, a, "one batch crosses as it is");
  assert.deepEqual(lone.runs, [3, { kind: "watermark", timestamp: 31 }, 0]);

  g.addBatch(a);
  g.addBatch({ values: [4], timestamps: [40] });
  g.addElement({ kind: "status", idle: true });
  assert.equal(g.replaceWatermark({ kind: "watermark", timestamp: 50 }), false, "a watermark replaces only a watermark");
  const merged = g.take()!;
  assert.deepEqual([...merged.batch!.values], [1, 2, 3, 4]);
  assert.deepEqual([...merged.batch!.timestamps], [10, 20, 30, 40]);
  assert.deepEqual(merged.runs, [3, 1, { kind: "status", idle: true }]);
  assert.deepEqual(a, { values: [1, 2, 3], timestamps: [10, 20, 30] }, "a pushed batch is not changed");
  assert.equal(g.records, 0);
});
