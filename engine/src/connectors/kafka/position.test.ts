/**
 * The `discovered` flag of Kafka source positions: it survives JSON, is validated like the
 * offsets, is derived for positions written before it existed, and merges so that a subtask that
 * never connected keeps its partitions on `startFrom`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KafkaConnectorError } from "./errors.js";
import { partitionKey } from "./KafkaClient.js";
import { decodePosition, encodePosition, mergePositions, readPosition } from "./position.js";

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test("the discovered flag round-trips through JSON, also with no partitions", () => {
  const owner = encodePosition([{ topic: "t", partition: 3, offset: 7 }], true);
  assert.deepEqual(owner, { offsets: { t: { "3": 7 } }, discovered: true });
  assert.deepEqual(readPosition(json(owner)), { offsets: new Map([[partitionKey("t", 3), { topic: "t", partition: 3, offset: 7 }]]), discovered: true });
  // A subtask that connected and owns nothing: every partition it gets later is new.
  assert.equal(readPosition(json(encodePosition([], true))).discovered, true);
  // A subtask that never reached the broker: partitions it gets keep startFrom.
  assert.equal(readPosition(json(encodePosition([{ topic: "t", partition: 0, offset: 1 }], false))).discovered, false);
  assert.equal(decodePosition(json(owner)).size, 1, "decodePosition keeps returning the offsets");
});

test("positions without the flag (written by the previous version) count as discovered when they have offsets", () => {
  assert.equal(readPosition({ offsets: { t: { "0": 5 } } }).discovered, true);
  assert.equal(readPosition({ offsets: {} }).discovered, false);
});

test("a malformed flag or offsets map is rejected with a typed error", () => {
  for (const bad of [{ offsets: {}, discovered: "yes" }, { offsets: { t: { "0": 1 } }, discovered: 1 }, { offsets: null }, { offsets: { t: { "0": 1.5 } }, discovered: true }]) {
    assert.throws(
      () => readPosition(bad),
      (error: unknown) => error instanceof KafkaConnectorError && /Invalid Kafka source position/.test(error.message) && !error.retriable,
      JSON.stringify(bad),
    );
  }
  assert.throws(() => readPosition({ offsets: {}, discovered: "yes" }), /discovered must be a boolean, got "yes"/);
});

test("a merge is discovered only if every subtask's position is", () => {
  const a = encodePosition([{ topic: "t", partition: 0, offset: 5 }], true);
  const b = encodePosition([], true);
  const never = encodePosition([], false);
  assert.deepEqual(mergePositions([json(a), json(b)]), { offsets: { t: { "0": 5 } }, discovered: true });
  assert.deepEqual(mergePositions([a, never]), { offsets: { t: { "0": 5 } }, discovered: false }, "the never-connected subtask's partitions are unknown");
  // The flag has to be written here: derived from the non-empty offsets it would read as true.
  assert.equal(readPosition(json(mergePositions([a, never]))).discovered, false);
  assert.equal(readPosition(mergePositions([])).discovered, false);
});

test("positions of the previous version merge as they read", () => {
  const legacy = { offsets: { t: { "0": 5 } } };
  assert.deepEqual(mergePositions([legacy, { offsets: { t: { "1": 2 } } }]), { offsets: { t: { "0": 5, "1": 2 } }, discovered: true });
  // An empty legacy position may be a subtask that never connected: the merge must not read as discovered.
  assert.equal(readPosition(mergePositions([legacy, { offsets: {} }])).discovered, false);
  assert.equal(readPosition(mergePositions([legacy, encodePosition([], true)])).discovered, true);
});

test("bounded reads keep their stopping offsets: they round-trip, validate and merge", () => {
  const a = encodePosition([{ topic: "t", partition: 0, offset: 5 }], true, [{ topic: "t", partition: 0, offset: 100 }]);
  const b = encodePosition([{ topic: "t", partition: 1, offset: 2 }], true, [{ topic: "t", partition: 1, offset: 40 }]);
  assert.deepEqual(a, { offsets: { t: { "0": 5 } }, discovered: true, stoppingOffsets: { t: { "0": 100 } } });
  assert.deepEqual(readPosition(json(a)).stoppingOffsets, new Map([[partitionKey("t", 0), { topic: "t", partition: 0, offset: 100 }]]));
  assert.deepEqual(mergePositions([json(a), json(b)]).stoppingOffsets, { t: { "0": 100, "1": 40 } });
  assert.equal(readPosition(json(encodePosition([], true))).stoppingOffsets, undefined, "unbounded positions have none");
  assert.equal(mergePositions([encodePosition([], true)]).stoppingOffsets, undefined);
  assert.throws(() => readPosition({ offsets: {}, stoppingOffsets: { t: { "0": -1 } } }), /Invalid Kafka source position/);
});
