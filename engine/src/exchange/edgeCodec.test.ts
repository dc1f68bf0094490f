/**
 * The codec of one cross-thread edge (no threads here: what crosses is the encoded batch, as
 * `postMessage` would carry it after a structured clone). Fast: a few ms.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RecordBatch } from "../runtime/StreamElement.js";
import { type BatchCodec, cloneCodec, type EncodedBatch, type RecordSchema } from "./BatchCodec.js";
import { columnarCodec } from "./columnar/index.js";
import { edgeDecoder, edgeEncoder, ExchangeEncodeError, exchangeStats } from "./edgeCodec.js";

const schema: RecordSchema = {
  fields: [
    { name: "k", type: { name: "STRING" } },
    { name: "v", type: { name: "INT" } },
  ],
};

const batch = (values: unknown[]): RecordBatch<unknown> => ({ values, timestamps: values.map((_, i) => 1000 + i) });

/** As `postMessage` does: the header cloned, the buffers moved. */
const cross = (encoded: EncodedBatch): EncodedBatch => structuredClone(encoded, { transfer: encoded.buffers });

test("rows of the edge's row type cross as columns, the schema sent with the first batch only", () => {
  const { codec, encoder } = edgeEncoder(columnarCodec, schema, "SELECT", "SELECT -> agg (hash)");
  assert.equal(codec, "columnar");
  const decoder = edgeDecoder(columnarCodec);
  const before = exchangeStats();
  for (const values of [
    [
      ["a", 1],
      ["b", null],
    ],
    [["a", 2]],
  ]) {
    const encoded = encoder.encode(batch(values));
    assert.equal(encoded.buffers.length, 1, "one transferred buffer of columns");
    assert.deepEqual(decoder.decode(cross(encoded)), batch(values));
  }
  const after = exchangeStats();
  assert.equal(after.encoded.columnar - before.encoded.columnar, 2);
  assert.equal(after.decoded.columnar - before.decoded.columnar, 2);
});

test("a job on the clone codec crosses by clone; an edge without a row type infers one (inferredType.test.ts)", () => {
  for (const [c, s, kind] of [
    [columnarCodec, undefined, "inferred"],
    [cloneCodec, schema, "clone"],
    [cloneCodec, undefined, "clone"],
  ] as const) {
    const { codec, encoder } = edgeEncoder(c, s, "map", "map -> process (rebalance)");
    assert.equal(codec, kind);
    const values = [{ any: "object", n: 1n }];
    assert.deepEqual(edgeDecoder(c).decode(cross(encoder.encode(batch(values)))), batch(values));
  }
});

test("rows that do not fit the row type (another width, not arrays) cross by clone, counted, nothing lost or invented", () => {
  const { encoder } = edgeEncoder(columnarCodec, schema, "SELECT", "SELECT -> agg (hash)");
  const decoder = edgeDecoder(columnarCodec);
  const before = exchangeStats();
  const fits = [["a", 1]];
  const misfits = [[["a", 1, "extra"]], [{ k: "a", v: 1 }], [["a"]]];
  for (const values of [fits, ...misfits, fits]) assert.deepEqual(decoder.decode(cross(encoder.encode(batch(values)))), batch(values));
  const after = exchangeStats();
  assert.equal(after.encoded.fallback - before.encoded.fallback, misfits.length);
  assert.equal(after.encoded.columnar - before.encoded.columnar, 2);
});

test("a codec failing on a batch fails with an ExchangeEncodeError naming operator, edge and row type", () => {
  const broken: BatchCodec = {
    encoder: () => ({
      encode: () => {
        throw new RangeError("column too wide");
      },
    }),
    decoder: columnarCodec.decoder,
  };
  const { encoder } = edgeEncoder(broken, schema, "WHERE", "WHERE -> GroupAggregate(groupBy=[k]) (hash) channel 3:0:1");
  assert.throws(
    () => encoder.encode(batch([["a", 1]])),
    (error: unknown) => {
      assert.ok(error instanceof ExchangeEncodeError, String(error));
      assert.equal(error.context.operator, "WHERE");
      assert.equal(error.edge, "WHERE -> GroupAggregate(groupBy=[k]) (hash) channel 3:0:1");
      assert.match(error.message, /WHERE's output on edge WHERE -> GroupAggregate\(groupBy=\[k\]\) \(hash\) channel 3:0:1 \(row type k STRING, v INT\): column too wide/);
      assert.ok(error.cause instanceof RangeError);
      return true;
    },
  );
});
