/**
 * The binary columnar exchange: a batch of records with a schema crosses threads as one ArrayBuffer of
 * typed-array columns (transferred, not copied) and a small header (column encodings, offsets, new
 * dictionary strings). Records are SQL rows (arrays in schema order) or objects keyed by the schema's
 * field names (a declared record type), or — with a schema of one field — the bare values themselves
 * (a TypeScript job's `map(b => b.auction)`); each batch says which, and decodes to the same shape.
 * Encoder and decoder are stateful per channel (the string dictionaries): every encoded batch must be
 * decoded, in order, by the decoder of the same channel.
 */
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { BatchCodec, BatchDecoder, BatchEncoder, EncodedBatch, OutgoingBatch, RecordSchema } from "../BatchCodec.js";
import { type ColumnHeader, type ColumnState, columnState, type DecoderColumn, decodeColumn, decoderColumn, encodeColumn } from "./columns.js";
import { generated } from "../generatedCode.js";
import { SectionWriter } from "./sections.js";
import { extendDictionary, type StringPolicy } from "./strings.js";

/** Row arrays, objects of the schema's fields, or bare values (a one-field schema: the value is the record). */
export type RecordShape = "array" | "object" | "value";

export interface ColumnarHeader {
  readonly shape: RecordShape;
  /** Offset of the Float64 event timestamps (NaN = none). */
  readonly timestamps: number;
  readonly columns: ColumnHeader[];
}

/** A record that is not an object, or not the shape of the batch's first record. */
export class ColumnarRecordError extends Error {
  constructor(
    readonly index: number,
    record: unknown,
    shape: RecordShape,
  ) {
    super(
      `columnar exchange: record ${index} of the batch is ${describe(record)}, not ${shape === "array" ? "a row array" : shape === "object" ? "an object" : "a bare value"} as the batch's first record`,
    );
    this.name = "ColumnarRecordError";
  }
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

type Extract = (values: readonly unknown[], n: number, columns: unknown[][]) => number;

/** Property access for a generated function: a name such as `__proto__` or `a"b` as a computed key. */
const key = (name: string): string => `[${JSON.stringify(name)}]`;

/**
 * A property of a generated object literal: a quoted name, so the literal takes the hidden class a user's
 * `{ auction: …, price: … }` with the same names in the same order has (a computed `["auction"]` key
 * builds another map, and an operator fed both decoded and local records saw two shapes); `__proto__`
 * computed, as a quoted one would set the prototype.
 */
const literalKey = (name: string): string => (name === "__proto__" ? key(name) : JSON.stringify(name));

/**
 * One pass over the records filling one JS array per field, generated once per schema and shape (as
 * SQL expressions are), so the field reads are monomorphic. Returns the index of a record of the
 * wrong shape, or -1.
 */
function extractor(names: readonly string[], shape: RecordShape, read: readonly boolean[]): Extract {
  if (shape === "value" && names.length !== 1) {
    return () => {
      throw new Error(`columnar exchange: a batch of bare values needs a schema of one field, not ${names.length}`);
    };
  }
  const check = shape === "array" ? "!Array.isArray(r)" : shape === "object" ? "r === null || typeof r !== 'object' || Array.isArray(r)" : "r !== null && typeof r === 'object'";
  // An unread field's column is sent as NULL (columns.ts): its values are not even read.
  const reads = names.map((name, j) => (read[j] === false ? "" : `c${j}[i] = r${shape === "array" ? `[${j}]` : shape === "object" ? key(name) : ""};`)).join(" ");
  const locals = names.map((_, j) => `const c${j} = columns[${j}];`).join(" ");
  return generated<Extract>(["values", "n", "columns"], `"use strict"; ${locals} for (let i = 0; i < n; i++) { const r = values[i]; if (${check}) return i; ${reads} } return -1;`);
}

/** `(fields, i) => ({ a: fields[0][i], … })` or `[fields[0][i], …]`: one literal, so every record has one shape. */
function builder(names: readonly string[], shape: "array" | "object"): (fields: unknown[][], i: number) => unknown {
  const items = names.map((name, j) => (shape === "array" ? `f${j}[i]` : `${literalKey(name)}: f${j}[i]`)).join(", ");
  const locals = names.map((_, j) => `const f${j} = fields[${j}];`).join(" ");
  return generated<(fields: unknown[][], i: number) => unknown>(["fields", "i"], `"use strict"; ${locals} return ${shape === "array" ? `[${items}]` : `{ ${items} }`};`);
}

class ColumnarEncoder<T> implements BatchEncoder<T> {
  private readonly columns: ColumnState[];
  private readonly names: string[];
  private readonly extract: Record<RecordShape, Extract>;
  private readonly out = new SectionWriter();
  private fields: unknown[][] = [];

  constructor(schema: RecordSchema, policy: StringPolicy) {
    this.columns = schema.fields.map((f) => columnState(f.name, f.type, policy, f.unread === true));
    this.names = schema.fields.map((f) => f.name);
    const read = schema.fields.map((f) => f.unread !== true);
    this.extract = { array: extractor(this.names, "array", read), object: extractor(this.names, "object", read), value: extractor(this.names, "value", read) };
  }

  encode(batch: OutgoingBatch<T>): EncodedBatch {
    const values = batch.values as readonly unknown[];
    const n = values.length;
    const first = values[0];
    const shape: RecordShape = n === 0 || Array.isArray(first) ? "array" : typeof first === "object" && first !== null ? "object" : "value";
    // Reused between batches (fewer young objects per batch); a column sent as a clone copies its part.
    if (this.fields.length > 0 && (this.fields[0] as unknown[]).length < n) this.fields = [];
    if (this.fields.length === 0) this.fields = this.names.map(() => new Array<unknown>(Math.max(n, 1024)));
    // Bare values are copied too: passing the batch's own array (HOLEY or PACKED, SMI or not) made the
    // column encoders' loads megamorphic in a q5 worker, costing about what skipping the copy saved (RESULTS "Session 17: modp2").
    const fields = this.fields;
    const bad = this.extract[shape](values, n, fields);
    if (bad >= 0) throw new ColumnarRecordError(bad, values[bad], shape);
    this.out.reset();
    const timestamps = this.out.reserve(n * 8);
    const ts = batch.timestamps;
    new Float64Array(this.out.buffer, timestamps, n).set(ts.length === n ? ts : ts.slice(0, n));
    const columns = this.columns.map((c, j) => encodeColumn(c, fields[j] as unknown[], n, this.out));
    const header: ColumnarHeader = { shape, timestamps, columns };
    return { length: n, header, buffers: [this.out.finish()] };
  }

  recycle(buffer: ArrayBuffer): void {
    this.out.recycle(buffer);
  }
}

/**
 * How the decoder reads a top-level column while building records: straight from its typed array
 * (`t`), as a byte to boolean (`b`), through the dictionary (`d`), NULL throughout (`n`), or from a
 * decoded JS array (`v`: nulls, UTF-8, ROW, clones). The builder for each combination is generated once.
 */
type Source = "t" | "b" | "d" | "v" | "n";

function sourceOf(h: ColumnHeader): Source {
  if (h.enc === "null") return "n";
  if ("nulls" in h && h.nulls !== undefined) return "v";
  return h.enc === "f64" || h.enc === "i32" || h.enc === "i64" ? "t" : h.enc === "bool" ? "b" : h.enc === "dict" ? "d" : "v";
}

const MAX_BUILDERS = 32;

/** Builds records `from` to `to` (exclusive) of the batch into `out` from index 0. */
type Fill = (sources: unknown[], dictionaries: unknown[], from: number, to: number, out: unknown[]) => void;

function filler(names: readonly string[], shape: RecordShape, signature: string): Fill {
  const read = (j: number): string => {
    const s = signature[j];
    return s === "t" || s === "v" ? `s${j}[i]` : s === "b" ? `s${j}[i] === 1` : s === "n" ? "null" : `d${j}[s${j}[i]]`;
  };
  const locals = names.map((_, j) => `const s${j} = sources[${j}], d${j} = dictionaries[${j}];`).join(" ");
  const items = names.map((name, j) => (shape === "object" ? `${literalKey(name)}: ${read(j)}` : read(j))).join(", ");
  const record = shape === "array" ? `[${items}]` : shape === "object" ? `{ ${items} }` : read(0);
  return generated<Fill>(["sources", "dictionaries", "from", "to", "out"], `"use strict"; ${locals} for (let i = from, k = 0; i < to; i++, k++) out[k] = ${record};`);
}

class ColumnarDecoder<T> implements BatchDecoder<T> {
  /** Typed arrays are read while building records and dropped; strings are copied out (`strings.ts`). */
  readonly freesBuffers = true;
  private readonly columns: DecoderColumn[];
  private readonly names: string[];
  private readonly fills = new Map<string, Fill>();

  constructor(schema: RecordSchema) {
    const objects = (names: string[]) => builder(names, "object");
    this.columns = schema.fields.map((f) => decoderColumn(f.name, f.type, objects));
    this.names = schema.fields.map((f) => f.name);
  }

  decode(encoded: EncodedBatch): RecordBatch<T> {
    return this.decodeRuns(encoded, [encoded.length])[0]!;
  }

  decodeRuns(encoded: EncodedBatch, lengths: readonly number[]): RecordBatch<T>[] {
    const h = encoded.header as ColumnarHeader;
    const buffer = encoded.buffers[0] as ArrayBuffer;
    const n = encoded.length;
    let signature = "";
    const sources: unknown[] = [];
    const dictionaries: unknown[] = [];
    // Past a few dozen null patterns, every column goes through a JS array (one builder, not one per pattern).
    const generic = this.fills.size >= MAX_BUILDERS;
    for (let j = 0; j < this.columns.length; j++) {
      const c = h.columns[j] as ColumnHeader;
      const col = this.columns[j] as DecoderColumn;
      const s = generic ? "v" : sourceOf(c);
      signature += s;
      // Typed sources are read in place: no JS array per column between the buffer and the records.
      if (s === "n") sources.push(undefined);
      else if (s === "v") sources.push(decodeColumn(col, c, buffer, n));
      else if (c.enc === "f64") sources.push(new Float64Array(buffer, c.at, n));
      else if (c.enc === "i32") sources.push(new Int32Array(buffer, c.at, n));
      else if (c.enc === "i64") sources.push(new BigInt64Array(buffer, c.at, n));
      else if (c.enc === "bool") sources.push(new Uint8Array(buffer, c.at, n));
      else if (c.enc === "dict") {
        dictionaries[j] = extendDictionary(col, c);
        sources.push(new Int32Array(buffer, c.at, n));
      }
    }
    const key = `${h.shape}:${signature}`;
    let fill = this.fills.get(key);
    if (fill === undefined) {
      fill = filler(this.names, h.shape, signature);
      this.fills.set(key, fill);
    }
    const ts = new Float64Array(buffer, h.timestamps, n);
    const batches: RecordBatch<T>[] = [];
    let from = 0;
    for (const length of lengths) {
      const to = from + length;
      if (!(length >= 0) || to > n) throw new RangeError(`columnar exchange: records ${from} to ${to} of a batch of ${n}`);
      const values = new Array<T>(length);
      fill(sources, dictionaries, from, to, values);
      const timestamps = new Array<number>(length);
      for (let i = from, k = 0; i < to; i++, k++) timestamps[k] = ts[i] as number;
      batches.push({ values, timestamps });
      from = to;
    }
    return batches;
  }
}

/** The columnar exchange with string columns sent one way always (bench/exchange measures each); the decoder follows any. */
export function columnarCodecWith(strings: StringPolicy): BatchCodec {
  return {
    encoder: <T>(schema: RecordSchema): BatchEncoder<T> => new ColumnarEncoder<T>(schema, strings),
    decoder: <T>(schema: RecordSchema): BatchDecoder<T> => new ColumnarDecoder<T>(schema),
  };
}

/** The exchange for records with a schema (SQL rows, declared record types). */
export const columnarCodec: BatchCodec = columnarCodecWith("adaptive");
