import { TumblingEventTimeWindows } from "../../../engine/src/index.js";
import type { AggregateFunction, DataStream } from "../../../engine/src/index.js";
import type { Bid, NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, LocalPrune, TEN_SECONDS, type NexmarkQuery } from "./common.js";

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
 * A local pre-filter ahead of the exchange (what a Flink DataStream user writes as a `FilterFunction` with
 * two fields; the Java twin's `BelowWindowTop`): per subtask, the highest price seen so far in the newest
 * window, and every bid of that window priced below it dropped — it cannot be its window's maximum. Its
 * higher-priced predecessor went ahead on the same FIFO channel, so if this bid would be on time at the
 * window, so is that one. Bids of an older window (out of order) pass unpruned. At parallelism 2 the
 * window subtask otherwise receives every bid, half of them across threads with their `extra` strings.
 * No checkpointed state: a restored subtask starts with none and prunes less, never wrongly.
 */
export class BelowWindowTop extends LocalPrune<Bid> {
  private window = Number.NEGATIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Whether `b` may still be its window's highest bid (and it raises the bound if so). */
  keep(b: Bid): boolean {
    const w = Math.floor(b.dateTime / TEN_SECONDS);
    if (w > this.window) {
      this.window = w;
      this.max = b.price;
      return true;
    }
    if (w < this.window) return true;
    if (b.price < this.max) return false;
    this.max = b.price;
    return true;
  }
}

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
      // One instance per subtask (a plain filter's closure would be shared by the subtasks on one thread).
      .transform<Bid>("q7.belowWindowTop", (ctx) => new BelowWindowTop(ctx.output))
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
