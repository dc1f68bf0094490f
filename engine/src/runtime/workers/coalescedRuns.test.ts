/**
 * A remote channel's gathered elements cross as one merged batch and its runs, and come out as the
 * elements pushed, in order (records on either side of a watermark stay on their side, empty batches
 * included: the consumer's credit counts every element). No threads. Fast: a few ms.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RecordBatch, StreamElement } from "../StreamElement.js";
import type { Run } from "./coalescedRuns.js";
import { splitRuns } from "./coalescedRuns.js";
import { RunGatherer } from "./runGatherer.js";

/** What a remote channel gathers of `pending` (records pushed whole, as a forward or rebalance edge does). */
function mergeRuns(pending: readonly StreamElement[]): { batch: RecordBatch | undefined; runs: Run[] } {
  const gatherer = new RunGatherer();
  for (const e of pending) {
    if (e.kind === "records") gatherer.addBatch(e.batch);
    else gatherer.addElement(e);
  }
  const taken = gatherer.take();
  if (taken === undefined) return { batch: undefined, runs: [] };
  const batch = taken.batch;
  // A merged batch's timestamps are the gatherer's Float64Array (what the encoder reads), a lone batch is as pushed.
  if (batch !== undefined && batch.timestamps instanceof Float64Array) return { batch: { values: batch.values, timestamps: [...batch.timestamps] }, runs: taken.runs };
  return { batch: batch as RecordBatch | undefined, runs: taken.runs };
}

const records = (from: number, n: number): StreamElement => ({
  kind: "records",
  batch: { values: Array.from({ length: n }, (_, i) => ({ id: from + i })), timestamps: Array.from({ length: n }, (_, i) => 1000 + from + i) },
});

function roundTrip(pending: StreamElement[]): StreamElement[] {
  const { batch, runs } = mergeRuns(pending);
  // What crosses: the batch (a clone stands in for the codec) and the runs.
  const out: StreamElement[] = [];
  splitRuns(structuredClone(batch), structuredClone(runs), (e) => out.push(e));
  return out;
}

test("records, watermarks, idleness, an empty batch and a barrier come out as pushed, in order", () => {
  const pending: StreamElement[] = [
    records(0, 3),
    { kind: "watermark", timestamp: 1001 },
    records(3, 2),
    { kind: "records", batch: { values: [], timestamps: [] } },
    { kind: "status", idle: true },
    records(5, 4),
    { kind: "watermark", timestamp: 1007 },
    { kind: "barrier", checkpointId: 3 },
  ];
  assert.deepStrictEqual(roundTrip(pending), pending);
  const { batch, runs } = mergeRuns(pending);
  assert.equal(batch?.values.length, 9, "one batch of all the records");
  assert.equal(runs.length, pending.length);
});

test("one batch crosses as it is; no records cross as elements alone", () => {
  const one = records(0, 5);
  assert.equal(mergeRuns([one]).batch, (one as { batch: unknown }).batch);
  const marks: StreamElement[] = [{ kind: "watermark", timestamp: 5 }, { kind: "end" }];
  assert.equal(mergeRuns(marks).batch, undefined);
  assert.deepStrictEqual(roundTrip(marks), marks);
});

test("runs past the batch are an error naming the message, not records invented", () => {
  assert.throws(() => splitRuns({ values: [1], timestamps: [1] }, [2], () => undefined), /a run of 2 records past the batch's 1/);
});
