/**
 * The columnar exchange gives back what it was given: property round trips over random schemas of
 * every SQL type (nested ROWs, nulls, undefined, -0, NaN, non-BMP and lone-surrogate strings, values
 * no typed column fits), in both record shapes, through one encoder/decoder pair per run so the
 * dictionaries carry across batches; and one real trip through a worker thread with the transfer list.
 * ~1 s. More runs: `COLUMNAR_RUNS=5000 node --test dist/engine/src/exchange/columnar/columnarCodec.test.js`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { SqlType, SqlTypeName } from "../../sql/types.js";
import type { EncodedBatch, RecordSchema } from "../BatchCodec.js";
import { columnarCodec, columnarCodecWith, ColumnarRecordError, type ColumnarHeader, DictionaryGapError } from "./index.js";
import { ASCII_CHUNK } from "./strings.js";

const SCALARS: SqlTypeName[] = ["BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL", "STRING", "TIMESTAMP", "DATE", "NULL"];

const sqlType: fc.Arbitrary<SqlType> = fc.letrec<{ type: SqlType }>((tie) => ({
  type: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...SCALARS).map((name) => ({ name })),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom("a", "b", "c", "d", "price", "__proto__"), tie("type")), { minLength: 1, maxLength: 4, selector: ([n]) => n })
      .map((fields) => ({ name: "ROW" as const, fields: fields.map(([name, type]) => ({ name, type })) })),
  ),
})).type;

const schemaArb: fc.Arbitrary<RecordSchema> = fc
  .uniqueArray(fc.tuple(fc.constantFrom("id", "name", "bid", "ts", "x", "y", "z", "constructor"), sqlType), { minLength: 1, maxLength: 6, selector: ([n]) => n })
  .map((fields) => ({ fields: fields.map(([name, type]) => ({ name, type })) }));

/** A few repeated strings (the dictionary's case) and arbitrary ones, incl. non-BMP and lone surrogates. */
const stringValue = fc.oneof(fc.constantFrom("", "web", "mobile", "ü", "😀", "a\ud800b"), fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 }));
const intValue = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(-0, 2 ** 40, -(2 ** 53) + 1, 1.5));

/** A value of `type` as Sluice's SQL rows hold it, sometimes null or undefined, rarely one no typed column fits. */
function sqlValue(type: SqlType): fc.Arbitrary<unknown> {
  const typed = ((): fc.Arbitrary<unknown> => {
    switch (type.name) {
      case "BOOLEAN":
        return fc.boolean();
      case "TINYINT":
      case "SMALLINT":
      case "INT":
      case "BIGINT":
        return fc.oneof({ weight: 20, arbitrary: intValue }, { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }) });
      case "FLOAT":
      case "DOUBLE":
      case "DECIMAL":
      case "TIMESTAMP":
        return fc.double();
      case "STRING":
      case "DATE":
        return stringValue;
      case "ROW": {
        const fields = type.fields ?? [];
        return fc.tuple(...fields.map((f) => sqlValue(f.type))).map((vs) => {
          const o: Record<string, unknown> = {};
          for (const [j, f] of fields.entries()) Object.defineProperty(o, f.name, { value: vs[j], enumerable: true, writable: true, configurable: true });
          return o;
        });
      }
      default:
        return fc.constant(null);
    }
  })();
  // A plain object as a ROW value is read as one (its other properties are documented not to cross).
  const misfits = type.name === "ROW" ? fc.constantFrom<unknown>(new Date(0), "x", 7, [1]) : fc.constantFrom<unknown>(new Date(0), "x", 7, { k: 1 }, 2n);
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: misfits });
}

function recordsOf(schema: RecordSchema, shape: "array" | "object"): fc.Arbitrary<unknown> {
  return fc.tuple(...schema.fields.map((f) => sqlValue(f.type))).map((vs) => {
    if (shape === "array") return vs;
    const o: Record<string, unknown> = {};
    for (const [j, f] of schema.fields.entries()) Object.defineProperty(o, f.name, { value: vs[j], enumerable: true, writable: true, configurable: true });
    return o;
  });
}

const batchOf = (values: unknown[]): RecordBatch => ({ values, timestamps: values.map((_, i) => (i % 3 === 0 ? Number.NaN : 1_700_000_000_000 + i)) });

/** Through a structured clone, as postMessage does: the decoder must not depend on sharing objects with the encoder. */
const cross = (e: EncodedBatch): EncodedBatch => structuredClone(e, { transfer: e.buffers });

test("random batches of every type, both record shapes, come back equal through one channel", () => {
  fc.assert(
    fc.property(
      schemaArb
        .chain((schema) => fc.tuple(fc.constant(schema), fc.constantFrom<"array" | "object">("array", "object")))
        .chain(([schema, shape]) => fc.tuple(fc.constant(schema), fc.array(fc.array(recordsOf(schema, shape), { maxLength: 40 }), { minLength: 1, maxLength: 6 }))),
      ([schema, batches]) => {
        const encoder = columnarCodec.encoder(schema);
        const decoder = columnarCodec.decoder(schema);
        for (const values of batches) {
          const encoded = encoder.encode(batchOf(values));
          assert.equal(encoded.buffers.length, 1);
          assert.deepStrictEqual(decoder.decode(cross(encoded)), batchOf(values));
        }
      },
    ),
    { numRuns: Number(process.env.COLUMNAR_RUNS ?? 300) },
  );
});

test("decodeRuns cuts a batch into the runs given, each decoded straight into its own arrays, as decode and slicing would", () => {
  const sliceOf = (b: RecordBatch, from: number, to: number): RecordBatch => ({ values: b.values.slice(from, to), timestamps: b.timestamps.slice(from, to) });
  fc.assert(
    fc.property(
      schemaArb
        .chain((schema) => fc.tuple(fc.constant(schema), fc.constantFrom<"array" | "object">("array", "object")))
        .chain(([schema, shape]) =>
          fc.tuple(fc.constant(schema), fc.array(fc.tuple(fc.array(recordsOf(schema, shape), { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 5 })), { minLength: 1, maxLength: 6 })),
        ),
      ([schema, messages]) => {
        // One channel's messages in order: the dictionary a batch adds to is the later batches' too.
        const encoder = columnarCodec.encoder(schema);
        const decoder = columnarCodec.decoder(schema);
        for (const [values, cuts] of messages) {
          const batch = batchOf(values);
          // Runs of the cut points' gaps, and an empty run (a batch of no records pushed between two watermarks).
          const points = [...new Set(cuts.map((c) => Math.min(c, values.length)))].sort((a, b) => a - b);
          const lengths = [...points, values.length].map((p, i, all) => p - (i === 0 ? 0 : all[i - 1]!));
          lengths.splice(1, 0, 0);
          const runs = decoder.decodeRuns!(cross(encoder.encode(batch)), lengths);
          let at = 0;
          assert.deepStrictEqual(
            runs,
            lengths.map((n) => sliceOf(batch, at, (at += n))),
          );
        }
      },
    ),
    { numRuns: Number(process.env.COLUMNAR_RUNS ?? 200) },
  );
  const values = [{ a: 1 }, { a: 2 }];
  const schema: RecordSchema = { fields: [{ name: "a", type: { name: "INT" } }] };
  assert.throws(() => columnarCodec.decoder(schema).decodeRuns!(cross(columnarCodec.encoder(schema).encode(batchOf(values))), [1, 2]), /records 1 to 3 of a batch of 2/);
});

test("random high-cardinality strings cross as UTF-8 once the dictionary stops paying", () => {
  const strings: RecordSchema = { fields: [{ name: "s", type: { name: "STRING" } }] };
  fc.assert(
    fc.property(
      fc.array(
        fc.array(fc.oneof({ weight: 10, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 6 }) }, { weight: 1, arbitrary: fc.constantFrom(null, undefined) }), {
          minLength: 70,
          maxLength: 90,
        }),
        { minLength: 2, maxLength: 4 },
      ),
      (batches) => {
        const encoder = columnarCodec.encoder(strings);
        const decoder = columnarCodec.decoder(strings);
        for (const column of batches) {
          const values = column.map((s) => [s]);
          assert.deepStrictEqual(decoder.decode(cross(encoder.encode(batchOf(values)))), batchOf(values));
        }
      },
    ),
    { numRuns: 60 },
  );
});

const schema: RecordSchema = {
  fields: [
    { name: "auction", type: { name: "BIGINT" } },
    { name: "channel", type: { name: "STRING" } },
    { name: "extra", type: { name: "STRING" } },
    {
      name: "bid",
      type: {
        name: "ROW",
        fields: [
          { name: "price", type: { name: "BIGINT" } },
          { name: "url", type: { name: "STRING" } },
        ],
      },
    },
  ],
};
const columnsOf = (e: EncodedBatch) => (e.header as ColumnarHeader).columns;

test("ASCII columns read in chunks: rows of every length (empty, short, longer than a chunk), nulls between, come back equal", () => {
  const strings: RecordSchema = { fields: [{ name: "s", type: { name: "STRING" } }] };
  const ascii = (minLength: number, maxLength: number) => fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), minLength, maxLength });
  const row = fc.oneof(
    { weight: 4, arbitrary: ascii(0, 14) },
    { weight: 6, arbitrary: ascii(60, 400) },
    { weight: 1, arbitrary: ascii(ASCII_CHUNK - 2, ASCII_CHUNK + 300) },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
  );
  fc.assert(
    fc.property(fc.array(fc.array(row, { maxLength: 60 }), { minLength: 1, maxLength: 3 }), (batches) => {
      const encoder = columnarCodecWith("utf8").encoder(strings);
      const decoder = columnarCodecWith("utf8").decoder(strings);
      for (const column of batches) {
        const values = column.map((s) => [s]);
        const encoded = encoder.encode(batchOf(values));
        const [h] = columnsOf(encoded);
        if (h?.enc === "utf8") assert.equal(h.ascii, true);
        assert.deepStrictEqual(decoder.decode(cross(encoded)), batchOf(values));
      }
    }),
    { numRuns: 150 },
  );
});

test("a field the consumer reads none of (unread) crosses as NULL, its values not even looked at; the others as they were", () => {
  const pruned: RecordSchema = {
    fields: [
      { name: "auction", type: { name: "BIGINT" } },
      { name: "url", type: { name: "STRING" }, unread: true },
      { name: "extra", type: { name: "STRING" }, unread: true },
    ],
  };
  // A symbol fits no column and cannot even be cloned: an unread field must not touch it.
  const values = [
    [1, "https://a", Symbol("not read")],
    [2, null, "x"],
  ];
  const decoded = columnarCodec.decoder(pruned).decode(cross(columnarCodec.encoder(pruned).encode({ values, timestamps: [5, 6] })));
  assert.deepStrictEqual(decoded, {
    values: [
      [1, null, null],
      [2, null, null],
    ],
    timestamps: [5, 6],
  });
});

test("a string column longer than one joined piece (~32 K characters) crosses whole, ASCII or not", () => {
  const strings: RecordSchema = { fields: [{ name: "s", type: { name: "STRING" } }] };
  const encoder = columnarCodecWith("utf8").encoder(strings);
  const decoder = columnarCodecWith("utf8").decoder(strings);
  for (const accent of ["", "é", "😀"]) {
    // 1,500 rows of ~100 characters, a null every 7th: several pieces, rows and nulls across their edges.
    const values = Array.from({ length: 1500 }, (_, i) => [i % 7 === 3 ? null : `${i}:${"abcdefghij".repeat(1 + (i % 19))}${i % 500 === 0 ? accent : ""}`]);
    const encoded = encoder.encode(batchOf(values));
    assert.equal((columnsOf(encoded)[0] as { ascii?: boolean }).ascii, accent === "");
    assert.deepStrictEqual(decoder.decode(cross(encoded)).values, values);
  }
});

test("decoded records and ROW values have the hidden class of an object literal with the same names in the same order", () => {
  // An operator fed both local records and decoded ones (a keyed exchange at p=2) then sees one shape, not two.
  setFlagsFromString("--allow-natives-syntax");
  const sameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: unknown, b: unknown) => boolean;
  const local = (auction: number, extra: string, bid: unknown) => ({ auction, channel: "web", extra, bid });
  const values = [local(1, "x".repeat(30), { price: 5, url: "u" }), local(2, "y", null)];
  const decoded = columnarCodec.decoder(schema).decode(cross(columnarCodec.encoder(schema).encode(batchOf(values)))).values as Record<string, unknown>[];
  assert.deepStrictEqual(decoded, values);
  assert.equal(sameMap(decoded[0], values[0]), true, "record");
  assert.equal(sameMap(decoded[0]?.bid, { price: 1, url: "v" }), true, "ROW value");
});

test("an empty batch crosses", () => {
  const encoded = columnarCodec.encoder(schema).encode({ values: [], timestamps: [] });
  assert.deepStrictEqual(columnarCodec.decoder(schema).decode(cross(encoded)), { values: [], timestamps: [] });
});

test("the dictionary grows across batches: each string crosses once, then as a code; free text leaves it for UTF-8", () => {
  const encoder = columnarCodec.encoder(schema);
  const decoder = columnarCodec.decoder(schema);
  let seen = 0;
  for (let b = 0; b < 200; b++) {
    // Channels c0..c(b) appear over time; `extra` is new text every row.
    const values = Array.from({ length: 100 }, (_, i) => [b * 100 + i, `c${i % (b + 1)}`, `text ${b}/${i} ✓`, i % 10 === 0 ? null : { price: i, url: `https://x/${i % 5}` }]);
    const encoded = encoder.encode(batchOf(values));
    const [, channel, extra, bid] = columnsOf(encoded);
    assert.equal(channel?.enc, "dict");
    const fresh = channel?.enc === "dict" ? channel.fresh : [];
    const distinct = Math.min(b + 1, 100);
    assert.deepStrictEqual(
      fresh,
      Array.from({ length: distinct - seen }, (_, k) => `c${seen + k}`),
    );
    seen = distinct;
    assert.equal(extra?.enc, b === 0 ? "dict" : "utf8");
    const url = bid?.enc === "row" ? bid.children[1] : undefined;
    assert.deepStrictEqual(url?.enc === "dict" ? url.fresh.length : -1, b === 0 ? 5 : 0);
    assert.deepStrictEqual(decoder.decode(cross(encoded)).values, values);
  }
});

test("a value no typed column fits sends that column by clone, and the dictionary takes back the strings it did not send", () => {
  const encoder = columnarCodec.encoder(schema);
  const decoder = columnarCodec.decoder(schema);
  const first = [
    [1, "web", "a", null],
    [2, "new", "b", null],
    [3, 42, "c", null],
  ];
  const encoded = encoder.encode(batchOf(first));
  assert.deepStrictEqual(
    columnsOf(encoded).map((c) => c.enc),
    ["i32", "any", "dict", "null"],
  );
  assert.deepStrictEqual(decoder.decode(cross(encoded)).values, first);
  const second = [
    [2 ** 40, "new", "a", { price: 1n, url: "u" }],
    [-0, "web", "b", { price: 2n, url: "u" }],
  ];
  const next = encoder.encode(batchOf(second));
  const [auction, channel, , bid] = columnsOf(next);
  assert.equal(auction?.enc, "f64");
  assert.deepStrictEqual(channel?.enc === "dict" ? [channel.base, channel.fresh] : undefined, [0, ["new", "web"]]);
  assert.equal(bid?.enc === "row" ? bid.children[0]?.enc : undefined, "i64");
  assert.deepStrictEqual(decoder.decode(cross(next)).values, second);
});

test("many null patterns (one record builder each) still decode once the decoder stops generating builders", () => {
  const wide: RecordSchema = { fields: Array.from({ length: 8 }, (_, k) => ({ name: `f${k}`, type: { name: k % 2 ? "STRING" : "INT" } })) };
  const encoder = columnarCodec.encoder(wide);
  const decoder = columnarCodec.decoder(wide);
  // Batch b has a null in the columns of b's bits: 2^8 patterns.
  for (let b = 0; b < 100; b++) {
    const values = [0, 1].map((i) => Array.from({ length: 8 }, (_, k) => (i === 0 && (b >> k) & 1 ? null : k % 2 ? `s${k}` : k)));
    assert.deepStrictEqual(decoder.decode(cross(encoder.encode(batchOf(values)))).values, values);
  }
});

test("a batch lost on the channel is a DictionaryGapError, not wrong strings", () => {
  const encoder = columnarCodec.encoder(schema);
  const decoder = columnarCodec.decoder(schema);
  encoder.encode(batchOf([[1, "web", "a", null]]));
  assert.throws(() => decoder.decode(cross(encoder.encode(batchOf([[2, "mobile", "b", null]])))), DictionaryGapError);
});

test("bare values are their own column: they come back exactly, the batch's array unchanged, and an object among them is a ColumnarRecordError", () => {
  const valueSchema: RecordSchema = { fields: [{ name: "value", type: { name: "BIGINT" } }] };
  const bare = fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.constant(2 ** 40));
  fc.assert(
    fc.property(fc.array(fc.array(bare, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }), (batches) => {
      const encoder = columnarCodec.encoder(valueSchema);
      const decoder = columnarCodec.decoder(valueSchema);
      for (const values of batches) {
        const batch = batchOf(values);
        const before = [...values];
        const decoded = decoder.decode(cross(encoder.encode(batch)));
        assert.deepStrictEqual(batch.values, before, "the encoder does not write into the batch");
        assert.deepStrictEqual(decoded, batchOf(before));
      }
    }),
  );
  assert.throws(
    () => columnarCodec.encoder(valueSchema).encode(batchOf([1, 2, { auction: 2 }])),
    (e: unknown) => e instanceof ColumnarRecordError && e.index === 2,
  );
});

test("a record of another shape than the batch's first is a ColumnarRecordError naming it", () => {
  const encoder = columnarCodec.encoder(schema);
  assert.throws(
    () => encoder.encode(batchOf([[1, "a", "b", null], { auction: 2 }])),
    (e: unknown) => e instanceof ColumnarRecordError && e.index === 1,
  );
  assert.throws(
    () => encoder.encode(batchOf([{ auction: 2 }, null])),
    (e: unknown) => e instanceof ColumnarRecordError && e.index === 1,
  );
});

test("a batch crosses to a worker thread and back with its buffer transferred", async () => {
  const worker = new Worker(new URL("./echoWorker.js", import.meta.url), { workerData: schema });
  try {
    const encoder = columnarCodec.encoder(schema);
    const decoder = columnarCodec.decoder(schema);
    for (let b = 0; b < 3; b++) {
      const values = Array.from({ length: 50 }, (_, i) => ({ auction: i + b, channel: `c${i % 3}`, extra: i % 7 === 0 ? undefined : `é${i}`, bid: i % 2 ? null : { price: i * 1.5, url: "u" } }));
      const encoded = encoder.encode(batchOf(values));
      const reply = new Promise<EncodedBatch>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      worker.postMessage(encoded, encoded.buffers);
      assert.equal(encoded.buffers[0]?.byteLength, 0, "the buffer moved, not copied");
      assert.deepStrictEqual(decoder.decode(await reply), batchOf(values));
    }
  } finally {
    await worker.terminate();
  }
});
