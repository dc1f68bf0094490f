/**
 * ReadCommittedQueue, the read_committed filter both Kafka clients share: records of a producer's
 * transaction wait for its marker, aborts drop them, records behind undecided ones keep the
 * partition's order, and markers of other producers (or of transactions not read here) decide nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KafkaRecord } from "./KafkaClient.js";
import { ReadCommittedQueue, isCommitMarkerKey } from "./ReadCommittedQueue.js";

const rec = (offset: number): KafkaRecord => ({ topic: "t", partition: 0, offset, timestamp: 0, key: null, value: Buffer.from(String(offset)), headers: {} });

/** Feeds [offset, transactional, producer] records and ["marker", producer, commit] in order; returns the offsets released. */
function run(queue: ReadCommittedQueue, steps: ([number, boolean, string] | ["marker", string, boolean])[]): number[] {
  const out: KafkaRecord[] = [];
  for (const step of steps) {
    if (step[0] === "marker") queue.marker(step[1], step[2]);
    else if (queue.add(rec(step[0]), step[1], step[2])) out.push(rec(step[0]));
  }
  queue.release(out);
  return out.map((r) => r.offset);
}

test("interleaved transactions: an abort drops its producer's records only, in offset order", () => {
  const q = new ReadCommittedQueue();
  // a: 0, 2 (aborted); b: 1, 3 (committed); a plain record 4 behind them.
  assert.deepEqual(
    run(q, [
      [0, true, "a"],
      [1, true, "b"],
      [2, true, "a"],
      [3, true, "b"],
      [4, false, "-1"],
    ]),
    [],
    "all held: 0 is undecided",
  );
  assert.equal(q.firstHeldOffset, 0);
  assert.deepEqual(run(q, [["marker", "b", true]]), [], "b decided, but 0 (a) still blocks the head");
  assert.deepEqual(run(q, [["marker", "a", false]]), [1, 3, 4], "a aborted: b's records and the plain one, in order");
  assert.equal(q.firstHeldOffset, undefined);
});

test("plain records go straight out while nothing is undecided; a marker of a transaction not read here decides nothing", () => {
  const q = new ReadCommittedQueue();
  assert.equal(q.add(rec(0), false, "-1"), true);
  q.marker("ghost", true);
  assert.deepEqual(
    run(q, [
      [1, true, "p"],
      [2, false, "-1"],
    ]),
    [],
  );
  assert.deepEqual(
    run(q, [
      ["marker", "p", true],
      [3, false, "-1"],
    ]),
    [1, 2, 3],
  );
});

test("the same producer's next transaction waits for its own marker; clear forgets everything held", () => {
  const q = new ReadCommittedQueue();
  assert.deepEqual(
    run(q, [
      [0, true, "p"],
      ["marker", "p", true],
      [2, true, "p"],
    ]),
    [0],
    "the second transaction is still open",
  );
  assert.equal(q.firstHeldOffset, 2);
  q.clear();
  assert.equal(q.firstHeldOffset, undefined);
  assert.deepEqual(run(q, [["marker", "p", true]]), [], "cleared records are not released by a later marker");
});

test("bigint producer ids (as @platformatic/kafka gives them) match by value", () => {
  const q = new ReadCommittedQueue();
  assert.equal(q.add(rec(0), true, 7n), false);
  q.marker(BigInt("7"), true);
  const out: KafkaRecord[] = [];
  q.release(out);
  assert.deepEqual(
    out.map((r) => r.offset),
    [0],
  );
});

test("marker keys: version int16 then type int16, 1 = commit", () => {
  const key = (type: number) => {
    const b = Buffer.alloc(4);
    b.writeInt16BE(type, 2);
    return b;
  };
  assert.equal(isCommitMarkerKey(key(1)), true);
  assert.equal(isCommitMarkerKey(key(0)), false);
  assert.equal(isCommitMarkerKey(null), false);
  assert.equal(isCommitMarkerKey(Buffer.alloc(2)), false);
});
