/**
 * PartitionCursor on hand-built record batches (the shapes @platformatic/kafka's Fetch parser
 * returns): positions, batches starting before the fetch offset, read_committed decisions across
 * fetches and interleaved producers, log-append time. The broker-backed tests are in
 * test/integration/kafkaPlatformaticClient.test.ts.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RecordsBatch } from "./library.js";
import { PartitionCursor } from "./PartitionCursor.js";
import { CONTROL, LOG_APPEND_TIME, TRANSACTIONAL } from "./records.js";

/** A data batch of `values` starting at `first` (producer `pid`, transactional or not). */
function data(first: number, values: string[], options: { pid?: bigint; txn?: boolean; attributes?: number; ts?: bigint } = {}): RecordsBatch {
  return {
    firstOffset: BigInt(first),
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes: (options.txn === true ? TRANSACTIONAL : 0) | (options.attributes ?? 0),
    lastOffsetDelta: values.length - 1,
    firstTimestamp: options.ts ?? 1_000n,
    maxTimestamp: 9_999n,
    producerId: options.pid ?? -1n,
    producerEpoch: 0,
    firstSequence: 0,
    records: values.map((v, i) => ({ length: 0, attributes: 0, timestampDelta: BigInt(i), offsetDelta: i, key: null, value: Buffer.from(v), headers: [[Buffer.from("h"), Buffer.from(v)]] })),
  };
}

/** A transaction marker at `offset` for producer `pid`. */
function marker(offset: number, pid: bigint, commit: boolean): RecordsBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  return { ...data(offset, ["m"], { pid, txn: true, attributes: CONTROL }), records: [{ length: 0, attributes: 0, timestampDelta: 0n, offsetDelta: 0, key, value: null, headers: [] }] };
}

const values = (records: { value: Buffer | null }[]) => records.map((r) => r.value?.toString());

describe("PartitionCursor", () => {
  test("read_uncommitted: records from the fetch offset on, markers skipped, positions after the last batch", () => {
    const c = new PartitionCursor("t", 0, 2, false);
    // The broker returns the whole batch containing offset 2.
    const out = c.accept([data(0, ["a", "b", "c", "d"], { pid: 7n, txn: true }), marker(4, 7n, false), data(5, ["e"])]);
    assert.deepEqual(values(out), ["c", "d", "e"], "aborted records too: read_uncommitted");
    assert.deepEqual(
      out.map((r) => r.offset),
      [2, 3, 5],
    );
    assert.deepEqual([c.fetchOffset, c.next, c.position], [6, 6, 6]);
    assert.deepEqual(out[0]!.headers, { h: Buffer.from("c") });
    assert.equal(out[0]!.timestamp, 1_002, "create time: first timestamp + delta");
    assert.deepEqual(c.accept([data(0, ["a", "b", "c", "d"])]), [], "a batch fetched again is ignored");
  });

  test("read_committed: a transaction waits for its marker, across fetches, and records after it wait too", () => {
    const c = new PartitionCursor("t", 0, 0, true);
    assert.deepEqual(values(c.accept([data(0, ["x1", "x2"], { pid: 1n, txn: true })])), []);
    assert.equal(c.position, 0, "nothing decided yet: a bounded read is not caught up");
    assert.equal(c.fetchOffset, 2, "but fetching goes on");
    assert.deepEqual(values(c.accept([data(2, ["plain"])])), [], "a plain record after an undecided one waits (offset order)");
    assert.deepEqual(values(c.accept([marker(3, 1n, true)])), ["x1", "x2", "plain"]);
    assert.deepEqual([c.next, c.position], [3, 4]);
  });

  test("read_committed: interleaved producers, aborted out of order, only committed records come out, in offset order", () => {
    const c = new PartitionCursor("t", 0, 0, true);
    const out = c.accept([
      data(0, ["a1"], { pid: 1n, txn: true }),
      data(1, ["b1"], { pid: 2n, txn: true }),
      marker(2, 2n, false),
      data(3, ["a2"], { pid: 1n, txn: true }),
      data(4, ["c1"], { pid: 3n, txn: true }),
      marker(5, 3n, true),
    ]);
    assert.deepEqual(values(out), [], "a1 is undecided and everything after it waits");
    assert.equal(c.position, 0);
    assert.deepEqual(values(c.accept([marker(6, 1n, false), data(7, ["d"])])), ["c1", "d"]);
    assert.deepEqual([c.next, c.passed], [8, 8]);
  });

  test("read_committed: a marker for records the library already dropped changes nothing", () => {
    const c = new PartitionCursor("t", 0, 0, true);
    assert.deepEqual(values(c.accept([marker(3, 9n, false), data(4, ["after"])])), ["after"]);
    assert.equal(c.position, 5);
  });

  test("read_committed, a read_uncommitted response cut at its last stable offset: batches ending after it wait for the next fetch", () => {
    const c = new PartitionCursor("t", 0, 0, true);
    const response = [data(0, ["a1"], { pid: 1n, txn: true }), marker(1, 1n, false), data(2, ["c1"], { pid: 1n, txn: true }), marker(3, 1n, true), data(4, ["open"], { pid: 1n, txn: true })];
    assert.deepEqual(values(c.accept(response, 4)), ["c1"], "decided below the last stable offset: the abort by its marker, the commit too");
    assert.deepEqual([c.fetchOffset, c.position], [4, 4], "the open transaction is fetched again");
    assert.deepEqual(values(c.accept([data(4, ["open"], { pid: 1n, txn: true }), marker(5, 1n, true)])), ["open"]);
  });

  test("seek drops undecided records; log-append time comes from the batch", () => {
    const c = new PartitionCursor("t", 0, 0, true);
    c.accept([data(0, ["x"], { pid: 1n, txn: true })]);
    c.seek(10);
    assert.deepEqual([c.fetchOffset, c.next, c.position], [10, 10, 10]);
    const [r] = c.accept([data(10, ["y"], { attributes: LOG_APPEND_TIME })]);
    assert.equal(r!.timestamp, 9_999);
  });
});
