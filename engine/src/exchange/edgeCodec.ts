/**
 * The codec of one cross-thread edge of a plan. An edge whose producer declared its row type (a SQL
 * plan's rows, see `declareRowType`) crosses in the job's codec (the columnar one); every other edge
 * (a DataStream job's objects, a side output) crosses by structured clone, so no job fails for lack
 * of a schema. The encoder alone decides, per batch, and says so in the batch (the schema travels
 * with the first columnar batch), so the two threads need not agree on anything but the wire format.
 */
import type { DataStream } from "../api/DataStream.js";
import { SluiceError } from "../errors/errors.js";
import type { StreamNode } from "../graph/StreamGraph.js";
import type { BatchCodec, BatchDecoder, BatchEncoder, EncodedBatch, OutgoingBatch, RecordSchema } from "./BatchCodec.js";
import { cloneCodec } from "./BatchCodec.js";
import { cutBatch } from "./cutBatch.js";
import { type InferredType, inferRecordType } from "./inferredType.js";

const rowTypes = new WeakMap<StreamNode, RecordSchema>();

/** Says that every record `stream` emits is a row array of `schema`'s fields, in order (the planner's row type). */
export function declareRowType<T>(stream: DataStream<T>, schema: RecordSchema): DataStream<T> {
  if (schema.fields.length > 0) rowTypes.set(stream.node, { fields: schema.fields.map((f) => ({ name: f.name, type: f.type })) });
  return stream;
}

/** The row type of what `node` emits on its main output, if declared. */
export function rowTypeOf(node: StreamNode): RecordSchema | undefined {
  return rowTypes.get(node);
}

const readBy = new WeakMap<StreamNode, ReadonlySet<number>>();

/**
 * Says that `consumer` reads only the row fields at `read` of the rows it is sent (a SQL window
 * aggregate: its keys and its aggregates' arguments), so a row crossing threads to it carries only
 * those, the others as NULL: Flink's projection below the exchange (a Calc pushed under the keyed
 * exchange), without an operator or a row copy where no thread is crossed.
 */
export function declareColumnsRead<T>(consumer: DataStream<T>, read: ReadonlySet<number>): DataStream<T> {
  readBy.set(consumer.node, read);
  return consumer;
}

/** The row type an edge from `from` to `to` crosses threads with: `from`'s, its fields `to` does not read marked unread. */
export function edgeRowType(from: StreamNode, to: StreamNode): RecordSchema | undefined {
  const schema = rowTypes.get(from);
  const read = readBy.get(to);
  if (schema === undefined || read === undefined) return schema;
  return { fields: schema.fields.map((f, i) => (read.has(i) ? f : { ...f, unread: true })) };
}

/** A codec failed on a batch of an edge that has a row type: a bug in the codec or the plan's row type, named. */
export class ExchangeEncodeError extends SluiceError {
  constructor(
    operator: string,
    readonly edge: string,
    readonly schema: RecordSchema,
    cause: unknown,
  ) {
    const type = schema.fields.map((f) => `${f.name} ${f.type.name}`).join(", ");
    super(`columnar exchange of ${operator}'s output on edge ${edge} (row type ${type}): ${cause instanceof Error ? cause.message : String(cause)}`, { operator }, { cause });
  }
}

/** Batches this thread sent (`encoded`) and received (`decoded`) per way of crossing; `fallback`: a columnar edge's batch whose rows did not fit its row type, sent by clone. */
const stats = { encoded: { columnar: 0, clone: 0, fallback: 0 }, decoded: { columnar: 0, clone: 0 } };
export function exchangeStats(): { encoded: { columnar: number; clone: number; fallback: number }; decoded: { columnar: number; clone: number } } {
  return { encoded: { ...stats.encoded }, decoded: { ...stats.decoded } };
}

type Wire = { readonly k: "clone"; readonly h: unknown } | { readonly k: "columnar"; readonly h: unknown; readonly schema?: RecordSchema };

/** Whether `values` are all row arrays of exactly `width` fields (what the columnar encoder reads). */
function fits(values: readonly unknown[], width: number): boolean {
  for (let i = 0; i < values.length; i++) {
    const r = values[i];
    if (!Array.isArray(r) || r.length !== width) return false;
  }
  return true;
}

/**
 * The producer's end of edge `edge`: `codec` where `schema` is known and `codec` is not the clone
 * codec, else structured clone. A batch that does not fit the row type (a plan whose row type is
 * wrong) crosses by clone and is counted, rather than losing or inventing fields. An edge without a
 * row type (a TypeScript job's records, a changelog) crosses in `codec` too, with the type its records
 * show (`inferredType.ts`): `inferred`.
 */
export function edgeEncoder(
  codec: BatchCodec,
  schema: RecordSchema | undefined,
  operator: string,
  edge: string,
): { readonly codec: "columnar" | "inferred" | "clone"; readonly encoder: BatchEncoder } {
  const clone = cloneCodec.encoder(schema ?? { fields: [] });
  const asClone = (batch: OutgoingBatch<unknown>): EncodedBatch => {
    const inner = clone.encode(batch);
    return { length: inner.length, header: { k: "clone", h: inner.header } satisfies Wire, buffers: inner.buffers };
  };
  if (codec === cloneCodec) {
    return {
      codec: "clone",
      encoder: {
        encode: (batch) => {
          stats.encoded.clone++;
          return asClone(batch);
        },
      },
    };
  }
  if (schema === undefined) return { codec: "inferred", encoder: inferringEncoder(codec, operator, edge, asClone) };
  const columnar = columnarEncoder(codec, schema, operator, edge);
  return {
    codec: "columnar",
    encoder: {
      encode: (batch) => {
        if (!fits(batch.values, schema.fields.length)) {
          stats.encoded.fallback++;
          return asClone(batch);
        }
        return columnar(batch);
      },
      recycle: (buffer) => columnar.recycle(buffer),
    },
  };
}

/** `codec`'s encoder for `schema`, the schema sent with the first batch (and the first after it changes). */
function columnarEncoder(codec: BatchCodec, schema: RecordSchema, operator: string, edge: string): ((batch: OutgoingBatch<unknown>) => EncodedBatch) & { recycle(buffer: ArrayBuffer): void } {
  const inner = codec.encoder(schema);
  let sentSchema = false;
  const encode = (batch: OutgoingBatch<unknown>): EncodedBatch => {
    let encoded: EncodedBatch;
    try {
      encoded = inner.encode(batch);
    } catch (error) {
      throw new ExchangeEncodeError(operator, edge, schema, error);
    }
    const wire: Wire = sentSchema ? { k: "columnar", h: encoded.header } : { k: "columnar", h: encoded.header, schema };
    sentSchema = true;
    stats.encoded.columnar++;
    return { length: encoded.length, header: wire, buffers: encoded.buffers };
  };
  return Object.assign(encode, { recycle: (buffer: ArrayBuffer) => inner.recycle?.(buffer) });
}

/** A channel whose records change shape this often stops inferring and crosses by clone for good. */
const MAX_TYPE_CHANGES = 16;

/**
 * Infers the record type from the first batch and keeps it while batches fit it; a batch of another
 * shape starts a new type (sent with that batch: the decoder follows), one of no single shape crosses
 * by clone (`fallback`).
 */
function inferringEncoder(codec: BatchCodec, operator: string, edge: string, asClone: (batch: OutgoingBatch<unknown>) => EncodedBatch): BatchEncoder {
  let type: InferredType | undefined;
  let columnar: ReturnType<typeof columnarEncoder> | undefined;
  let changes = 0;
  return {
    encode: (batch) => {
      const values = batch.values;
      if (values.length > 0 && changes <= MAX_TYPE_CHANGES && (type === undefined || !type.fits(values))) {
        const next = inferRecordType(values);
        if (next !== undefined) {
          type = next;
          columnar = columnarEncoder(codec, next.schema, operator, edge);
          changes++;
        } else {
          stats.encoded.fallback++;
          return asClone(batch);
        }
      }
      if (columnar === undefined || values.length === 0 || changes > MAX_TYPE_CHANGES) {
        stats.encoded.clone++;
        return asClone(batch);
      }
      return columnar(batch);
    },
    // A buffer of an earlier type's batch is memory all the same.
    recycle: (buffer) => columnar?.recycle(buffer),
  };
}

/** The consumer's end: decodes what the producer's end chose, batch by batch. */
export function edgeDecoder(codec: BatchCodec): BatchDecoder {
  const clone = cloneCodec.decoder({ fields: [] });
  let columnar: BatchDecoder | undefined;
  /** The decoder `encoded` needs and what it decodes (the codec's own batch). */
  const open = (encoded: EncodedBatch): { decoder: BatchDecoder; inner: EncodedBatch } => {
    const wire = encoded.header as Wire;
    const inner = { length: encoded.length, header: wire.h, buffers: encoded.buffers };
    if (wire.k === "clone") {
      stats.decoded.clone++;
      return { decoder: clone, inner };
    }
    if (wire.schema !== undefined) columnar = codec.decoder(wire.schema);
    if (columnar === undefined) throw new Error("columnar exchange: a batch arrived before its channel's schema");
    stats.decoded.columnar++;
    return { decoder: columnar, inner };
  };
  return {
    // A clone batch has no buffers; a columnar one's are free if its codec's decoder says so.
    get freesBuffers() {
      return columnar?.freesBuffers === true;
    },
    decode: (encoded) => {
      const { decoder, inner } = open(encoded);
      return decoder.decode(inner);
    },
    decodeRuns: (encoded, lengths) => {
      const { decoder, inner } = open(encoded);
      return decoder.decodeRuns !== undefined ? decoder.decodeRuns(inner, lengths) : cutBatch(decoder.decode(inner), lengths);
    },
  };
}
