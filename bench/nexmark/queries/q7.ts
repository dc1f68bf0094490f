import { TumblingEventTimeWindows } from "../../../engine/src/index.js";
import type { AggregateFunction, DataStream } from "../../../engine/src/index.js";
import type { Bid, NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, TEN_SECONDS, type NexmarkQuery } from "./common.js";

export interface Q7Row {
  auction: number;
  price: number;
  bidder: number;
  dateTime: number;
  extra: string;
}

/** The highest price of a window and every bid that has it (ties are all emitted, as the SQL join does). */
const highestBids: AggregateFunction<Q7Row, { max: number; bids: Q7Row[] }, Q7Row[]> = {
  createAccumulator: () => ({ max: -1, bids: [] }),
  add: (b, acc) => {
    if (b.price > acc.max) {
      acc.max = b.price;
      acc.bids = [b];
    } else if (b.price === acc.max) {
      acc.bids.push(b);
    }
    return acc;
  },
  getResult: (acc) => acc.bids,
  merge: (a, b) => (a.max > b.max ? a : b.max > a.max ? b : { max: a.max, bids: a.bids.concat(b.bids) }),
};

/**
 * q7 highest bid: the bids with the highest price of each 10 s tumbling window. The Nexmark SQL joins
 * bids with the window maximum on `dateTime BETWEEN window_end - 10 s AND window_end`, which also
 * admits a bid at exactly `window_end` (the next window's first instant); windows here are half-open
 * `[start, end)`, as the query means. One global window per period, like Flink's `windowAll`.
 */
export const q7: NexmarkQuery<Q7Row> = {
  name: "q7",
  description: "highest bid per 10 s window",
  build: (events: DataStream<NexmarkEvent>) =>
    bids(events)
      // Only the output's fields cross to the window's subtask (a Bid's channel and url stay behind).
      .map((b: Bid): Q7Row => ({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra }))
      .name("q7.project")
      .keyBy(() => 0)
      .window(TumblingEventTimeWindows.of(TEN_SECONDS))
      .aggregate(highestBids, (_key, _ctx, [top], out) => {
        for (const b of top!) out.collect(b);
      }),
  check: (r) => r.auction + r.price,
};
