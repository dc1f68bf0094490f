/**
 * Elements a remote channel's producer pushed between two posts, as one message: their record batches
 * merged into one batch (encoded once: one header, one buffer, one post, one wake-up, one credit for
 * several batches) and the order of everything kept as runs — a number is that many records of the
 * merged batch, anything else an element in its place. The consumer gets back exactly the elements
 * pushed, in order: a watermark stays between the records before and after it, as in Flink's network
 * buffers, where records and watermarks are serialised into one buffer in order. The producer's half,
 * gathering as elements are pushed, is runGatherer.ts.
 */
import { cutBatch } from "../../exchange/cutBatch.js";
import type { RecordBatch, StreamElement } from "../StreamElement.js";

export type NonRecord = Exclude<StreamElement, { kind: "records" }>;
export type Run = number | NonRecord;

/** The record counts of `runs`, in order: how the merged batch is cut back into the batches pushed. */
export function recordRuns(runs: readonly Run[]): number[] {
  const lengths: number[] = [];
  for (const run of runs) if (typeof run === "number") lengths.push(run);
  return lengths;
}

/** The elements `runs` describe, the record runs' batches (`recordRuns(runs)`'s lengths, in order) taken from `batches`. */
export function placeRuns(batches: readonly RecordBatch[], runs: readonly Run[], into: (element: StreamElement) => void): void {
  let next = 0;
  for (const run of runs) {
    if (typeof run !== "number") {
      into(run);
      continue;
    }
    const batch = batches[next++];
    if (batch === undefined || batch.values.length !== run) throw new Error(`coalesced exchange message: a run of ${run} records, given ${batch?.values.length ?? "no"} batch`);
    into({ kind: "records", batch });
  }
}

/** The elements `runs` describe, records cut from `batch` (the decoded merged batch). */
export function splitRuns(batch: RecordBatch | undefined, runs: readonly Run[], into: (element: StreamElement) => void): void {
  placeRuns(cutBatch(batch, recordRuns(runs)), runs, into);
}
