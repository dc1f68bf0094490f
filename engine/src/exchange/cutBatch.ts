import type { RecordBatch } from "../runtime/StreamElement.js";

/**
 * `batch` cut into consecutive batches of `lengths` records (copies; the batch itself when one length is all
 * of it): what a decoder without `decodeRuns` gives back, cut after decoding. Lengths past the batch's end are
 * an error, not records made up.
 */
export function cutBatch<T>(batch: RecordBatch<T> | undefined, lengths: readonly number[]): RecordBatch<T>[] {
  const n = batch?.values.length ?? 0;
  const out: RecordBatch<T>[] = [];
  let at = 0;
  for (const length of lengths) {
    if (length === 0) out.push({ values: [], timestamps: [] });
    else if (batch === undefined || at + length > n) throw new RangeError(`coalesced exchange message: a run of ${length} records past the batch's ${n}`);
    else if (at === 0 && length === n) out.push(batch);
    else out.push({ values: batch.values.slice(at, at + length), timestamps: batch.timestamps.slice(at, at + length) });
    at += length;
  }
  return out;
}
