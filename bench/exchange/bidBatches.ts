/** Nexmark bids in batches of BATCH, for the exchange benchmarks (channelRun.ts, stringCodec.bench.ts). */
import { type Bid, Nexmark } from "../../engine/src/connectors/nexmark/index.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";

export const BATCH = Number(process.env.BATCH ?? 1024);

/** The first bids of the generator (seed defaults) as at least `count` records, each made by `row`, its timestamp its dateTime. Fresh per call. */
export function bidBatches<T>(count: number, row: (bid: Bid) => T): RecordBatch<T>[] {
  const out: RecordBatch<T>[] = [];
  let values: T[] = [];
  let timestamps: number[] = [];
  for (let from = 0; out.length * BATCH < count; from += 50_000) {
    for (const e of Nexmark.events({}, from, from + 50_000)) {
      if (e.type !== "bid") continue;
      const b = e as Bid;
      values.push(row(b));
      timestamps.push(b.dateTime);
      if (values.length === BATCH) {
        out.push({ values, timestamps });
        values = [];
        timestamps = [];
        if (out.length * BATCH >= count) break;
      }
    }
  }
  return out;
}
