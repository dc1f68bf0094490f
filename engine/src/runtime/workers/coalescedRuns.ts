/**
 * Elements a remote channel's producer pushed between two posts, as one message: their record batches
 * merged into one batch (encoded once: one header, one buffer, one post, one wake-up, one credit for
 * several batches) and the order of everything kept as runs — a number is that many records of the
 * merged batch, anything else an element in its place. The consumer gets back exactly the elements
 * pushed, in order: a watermark stays between the records before and after it, as in Flink's network
 * buffers, where records and watermarks are serialised into one buffer in order. The producer's half,
 * gathering as elements are pushed, is runGatherer.ts.
 */
import type { RecordBatch, StreamElement } from "../StreamElement.js";

export type NonRecord = Exclude<StreamElement, { kind: "records" }>;
export type Run = number | NonRecord;

/** The elements `runs` describe, records cut from `batch` (the decoded merged batch). */
export function splitRuns(batch: RecordBatch | undefined, runs: readonly Run[], into: (element: StreamElement) => void): void {
  let at = 0;
  for (const run of runs) {
    if (typeof run !== "number") {
      into(run);
      continue;
    }
    if (run === 0) {
      into({ kind: "records", batch: { values: [], timestamps: [] } });
      continue;
    }
    if (batch === undefined || at + run > batch.values.length) throw new Error(`coalesced exchange message: a run of ${run} records past the batch's ${batch?.values.length ?? 0}`);
    if (at === 0 && run === batch.values.length) into({ kind: "records", batch });
    else into({ kind: "records", batch: { values: batch.values.slice(at, at + run), timestamps: batch.timestamps.slice(at, at + run) } });
    at += run;
  }
}
