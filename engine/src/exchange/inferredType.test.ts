/**
 * Edges without a row type (a TypeScript job's records, a SQL changelog) cross as columns of the type
 * their records show, and give back exactly what a structured clone would: whatever does not have
 * one shape (another key list or order, a Date, a Map, a class instance, an array with a hole) crosses
 * by clone. The oracle is `structuredClone` itself. No threads (see edgeCodec.test.ts). Fast: a few ms.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { EncodedBatch } from "./BatchCodec.js";
import { columnarCodec } from "./columnar/index.js";
import { edgeDecoder, edgeEncoder, exchangeStats } from "./edgeCodec.js";
import { inferRecordType } from "./inferredType.js";

const batch = (values: unknown[]): RecordBatch<unknown> => ({ values, timestamps: values.map((_, i) => 1000 + i) });
const cross = (encoded: EncodedBatch): EncodedBatch => structuredClone(encoded, { transfer: encoded.buffers });

/** Sends `batches` through one channel; each must come out as its structured clone. Returns how many crossed as columns. */
function send(batches: unknown[][]): { columnar: number; fallback: number } {
  const { codec, encoder } = edgeEncoder(columnarCodec, undefined, "map", "map -> process (hash)");
  assert.equal(codec, "inferred");
  const decoder = edgeDecoder(columnarCodec);
  const before = exchangeStats().encoded;
  for (const values of batches) {
    const expected = structuredClone(batch(values));
    const decoded = decoder.decode(cross(encoder.encode(batch(values))));
    assert.deepStrictEqual(decoded, expected);
    for (let i = 0; i < values.length; i++) {
      const [a, b] = [decoded.values[i], expected.values[i]];
      if (typeof b === "object" && b !== null) assert.deepEqual(Object.keys(a as object), Object.keys(b), `record ${i}: key order`);
    }
  }
  const after = exchangeStats().encoded;
  return { columnar: after.columnar - before.columnar, fallback: after.fallback - before.fallback };
}

const bid = (i: number) => ({ type: "bid", auction: 1000 + i, bidder: i * 7, price: i * 0.125, channel: `ch${i % 3}`, url: `https://x/${i}`, dateTime: 1.7e12 + i, extra: "é".repeat(i % 4) });

test("objects of one shape cross as columns, batch after batch, and come out as their clones", () => {
  const batches = [0, 1, 2].map((b) => Array.from({ length: 100 }, (_, i) => bid(b * 100 + i)));
  assert.deepEqual(send(batches), { columnar: 3, fallback: 0 });
});

test("tuples (arrays of one width) and odd values (null, undefined, -0, NaN, bigint, nested objects, a string in a number field) cross as columns, exactly", () => {
  const tuples = [
    ["a", 1, true],
    ["b", -0, false],
    [null, Number.NaN, null],
    [undefined, 2n ** 70n, true],
  ];
  const objects = [
    { k: "a", v: 1, nested: { deep: [1, 2] }, when: new Date(5) },
    { k: null, v: "not a number", nested: null, when: new Date(6) },
    { k: "c", v: undefined, nested: { other: 1 }, when: null },
  ];
  assert.deepEqual(send([tuples]), { columnar: 1, fallback: 0 });
  assert.deepEqual(send([objects]), { columnar: 1, fallback: 0 });
});

test("a batch of another shape starts a new type; one of no single shape crosses by clone", () => {
  const a = [
    { x: 1, y: "p" },
    { x: 2, y: "q" },
  ];
  const reordered = [
    { y: "p", x: 1 },
    { y: "q", x: 2 },
  ];
  // A hole, which a clone keeps (reading it gives undefined).
  const holed: unknown[] = new Array(3);
  holed[0] = 1;
  holed[2] = 3;
  const mixed = [
    [
      { x: 1, y: "p" },
      { x: 1, y: "p", z: 3 },
    ],
    [
      { x: 1, y: "p" },
      { y: "p", x: 1 },
    ],
    [{ x: 1, y: "p" }, { x: 1 }],
    [{ x: 1, y: "p" }, [1, "p"]],
    [new Date(1), new Date(2)],
    [new Map([["x", 1]])],
    [
      new (class Point {
        x = 1;
        y = "p";
      })(),
    ],
    [holed, [1, 2, 3]],
    [1, "two", 3],
    [1, null, 3],
    [1, 2n],
  ];
  assert.deepEqual(send([a, reordered, a]), { columnar: 3, fallback: 0 });
  assert.deepEqual(send([a, ...mixed, a]), { columnar: 2, fallback: mixed.length });
});

test("bare numbers, bigints, strings and booleans (a map to the key before keyBy) cross as columns, exactly", () => {
  const numbers = [1, -0, Number.NaN, 2 ** 40, -3.5, Number.POSITIVE_INFINITY];
  const strings = ["a", "", "é", "a"];
  assert.deepEqual(send([numbers, strings, [true, false], [2n ** 70n, -1n], numbers]), { columnar: 5, fallback: 0 });
  assert.deepEqual(
    inferRecordType([1, 2])?.schema.fields.map((f) => `${f.name} ${f.type.name}`),
    ["value BIGINT"],
  );
});

test("the inferred field types: numbers and bigints integral, strings, booleans, anything else left to clone", () => {
  const t = inferRecordType([
    { n: 1, b: 2n, s: "x", f: false, o: null, d: new Date(0) },
    { n: 2, b: 3n, s: "y", f: true, o: 1, d: null },
  ]);
  assert.deepEqual(
    t?.schema.fields.map((f) => `${f.name} ${f.type.name}`),
    ["n BIGINT", "b BIGINT", "s STRING", "f BOOLEAN", "o BIGINT", "d NULL"],
  );
  assert.equal(inferRecordType([]), undefined);
  assert.equal(inferRecordType([{}]), undefined, "no fields: nothing to gain");
});
