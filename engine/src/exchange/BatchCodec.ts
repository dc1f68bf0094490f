/**
 * How a record batch crosses from one thread to another. Objects cost a structured clone each
 * (~1 µs per record, slower than the whole one-thread pipeline), so batches of records with a known
 * schema cross as columns in typed arrays whose buffers are transferred, not copied. One encoder and
 * one decoder exist per channel, so a codec may keep state between batches (a string dictionary).
 */
import type { SqlType } from "../sql/types.js";
import type { RecordBatch } from "../runtime/StreamElement.js";

/** The fields of the records a channel carries, in order: a SQL plan's row type, or a declared record type. */
export interface RecordSchema {
  /** `unread`: the consumer reads no value of this field (`declareColumnsRead`): it crosses as NULL, costing nothing. */
  readonly fields: readonly { readonly name: string; readonly type: SqlType; readonly unread?: boolean }[];
}

/** A batch as it crosses threads: plain data plus the buffers to list as `postMessage`'s transfer list. */
export interface EncodedBatch {
  readonly length: number;
  /** Codec-specific plain data (offsets, null maps, new dictionary entries): structured-cloned. */
  readonly header: unknown;
  /** Moved zero-copy to the receiving thread (the sender must not touch them afterwards). */
  readonly buffers: ArrayBuffer[];
}

/**
 * What an encoder reads: a record batch, or a remote channel's gathered records with their timestamps
 * in a Float64Array (workers/runGatherer.ts), valid only until `encode` returns.
 */
export interface OutgoingBatch<T = unknown> {
  readonly values: readonly T[];
  readonly timestamps: readonly number[] | Float64Array;
}

/** `batch` as a record batch: timestamps in a JS array (what a clone must carry). */
export function recordBatchOf<T>(batch: OutgoingBatch<T>): RecordBatch<T> {
  const ts = batch.timestamps;
  return ts instanceof Float64Array ? { values: batch.values, timestamps: Array.from(ts) } : { values: batch.values, timestamps: ts };
}

export interface BatchEncoder<T = unknown> {
  encode(batch: OutgoingBatch<T>): EncodedBatch;
  /** A buffer of a batch this encoder made, back from a decoder that `freesBuffers`: its memory may be written again. */
  recycle?(buffer: ArrayBuffer): void;
}

export interface BatchDecoder<T = unknown> {
  decode(encoded: EncodedBatch): RecordBatch<T>;
  /**
   * The batch cut into consecutive batches of `lengths` records (at most its length in all), each decoded
   * straight into its own arrays: a remote channel's merged message goes back into the batches pushed
   * without the whole batch in between. Without it the channel cuts what `decode` returns.
   */
  decodeRuns?(encoded: EncodedBatch, lengths: readonly number[]): RecordBatch<T>[];
  /** Once `decode` returns, nothing refers to the batch's buffers (every value was copied out of them), so they may go back to the encoder. */
  readonly freesBuffers?: boolean;
}

/** Makes the two ends of one channel for records of `schema`. */
export interface BatchCodec {
  encoder<T>(schema: RecordSchema): BatchEncoder<T>;
  decoder<T>(schema: RecordSchema): BatchDecoder<T>;
}

/**
 * The fallback for records without a schema: structured clone of the whole batch. Correct for any
 * cloneable record and slow (see the research note's table); a job that uses it says so.
 */
export const cloneCodec: BatchCodec = {
  encoder: <T>() => ({
    encode: (batch: OutgoingBatch<T>): EncodedBatch => ({ length: batch.values.length, header: recordBatchOf(batch), buffers: [] }),
  }),
  decoder: <T>() => ({ decode: (encoded: EncodedBatch) => encoded.header as RecordBatch<T> }),
};
