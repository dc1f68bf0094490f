/**
 * A decoded batch's buffer goes back to its encoder (Flink's network buffer pool) and is written again:
 * the next batches must come back exactly as sent although the memory holds an earlier batch's bytes
 * (random schemas of every type, nulls and undefined, dictionary and UTF-8 strings); and the functions
 * the codec generates from a schema are made once per thread, not once per channel. No threads. ~1 s.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { EncodedBatch, RecordSchema } from "../BatchCodec.js";
import { edgeDecoder, edgeEncoder } from "../edgeCodec.js";
import { generatedCount } from "../generatedCode.js";
import { columnarCodec } from "./index.js";

const batchOf = (values: unknown[]): RecordBatch => ({ values, timestamps: values.map((_, i) => 1_700_000_000_000 + i) });
const cross = (e: EncodedBatch): EncodedBatch => structuredClone(e, { transfer: e.buffers });

const schema: RecordSchema = {
  fields: [
    { name: "id", type: { name: "BIGINT" } },
    { name: "price", type: { name: "DOUBLE" } },
    { name: "ok", type: { name: "BOOLEAN" } },
    { name: "name", type: { name: "STRING" } },
    { name: "extra", type: { name: "STRING" } },
  ],
};

const value = fc.record({
  id: fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.constant(2 ** 40)),
  price: fc.oneof(fc.double(), fc.constant(null)),
  ok: fc.oneof(fc.boolean(), fc.constant(null), fc.constant(undefined)),
  name: fc.oneof(fc.constantFrom("web", "mobile", "ü"), fc.constant(null)),
  extra: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(null)),
});

test("batches written into recycled buffers come back as sent (the buffers held earlier batches' bytes)", () => {
  fc.assert(
    fc.property(fc.array(fc.array(value, { maxLength: 120 }), { minLength: 2, maxLength: 8 }), fc.constantFrom<"array" | "object">("array", "object"), (batches, shape) => {
      const encoder = columnarCodec.encoder(schema);
      const decoder = columnarCodec.decoder(schema);
      assert.equal(decoder.freesBuffers, true);
      for (const records of batches) {
        const values = shape === "object" ? records : records.map((r) => [r.id, r.price, r.ok, r.name, r.extra]);
        const crossed = cross(encoder.encode(batchOf(values)));
        assert.deepStrictEqual(decoder.decode(crossed), structuredClone(batchOf(values)));
        for (const buffer of crossed.buffers) encoder.recycle?.(buffer);
      }
    }),
    { numRuns: 150 },
  );
});

test("a buffer given back is the one a later batch is written in, through an edge's encoder as a channel uses it", () => {
  const { encoder } = edgeEncoder(columnarCodec, undefined, "map", "map -> window (hash)");
  const decoder = edgeDecoder(columnarCodec);
  const bids = (from: number) => Array.from({ length: 500 }, (_, i) => ({ auction: from + i, price: i * 3, extra: "x".repeat(i % 90) }));
  const first = cross(encoder.encode(batchOf(bids(0))));
  decoder.decode(first);
  assert.equal(decoder.freesBuffers, true, "the columnar decoder copies every value out");
  const [given] = first.buffers;
  encoder.recycle?.(given!);
  // The batch after the next is written in it (`finish` picks the next batch's scratch as it hands one over).
  const second = encoder.encode(batchOf(bids(1000)));
  const third = encoder.encode(batchOf(bids(2000)));
  // (ok, not equal: a failing equal would print the buffers' bytes.)
  assert.ok(second.buffers[0] !== given, "the next batch is written in the scratch made for it");
  assert.ok(third.buffers[0] === given, "the batch after it is written in the buffer given back");
  assert.deepStrictEqual(decoder.decode(cross(second)).values, bids(1000));
  assert.deepStrictEqual(decoder.decode(cross(third)).values, bids(2000));
});

test("the extractor, checks and record builders of a schema are generated once per thread, whatever the channels and jobs", () => {
  const records = [
    { a: 1, b: "x" },
    { a: 2, b: null },
  ];
  const roundTrip = () => {
    const { encoder } = edgeEncoder(columnarCodec, undefined, "map", "map -> sink (hash)");
    const decoder = edgeDecoder(columnarCodec);
    assert.deepStrictEqual(decoder.decode(cross(encoder.encode(batchOf(records)))).values, records);
  };
  roundTrip();
  // Every `new Function` from here on is counted.
  const original = globalThis.Function;
  let made = 0;
  globalThis.Function = new Proxy(original, {
    construct(target, args) {
      made++;
      return Reflect.construct(target, args);
    },
  });
  try {
    for (let channel = 0; channel < 5; channel++) roundTrip();
  } finally {
    globalThis.Function = original;
  }
  assert.equal(made, 0, "no new functions for channels of a schema already seen");
  assert.ok(generatedCount() > 0);
});
