import type { Collector, DataStream, KeyedProcessContext, KeyedProcessFunction, OnTimerContext } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { handlesPerSubtask, type NexmarkQuery } from "./common.js";
import { winningBids, type WinningBid } from "./winningBids.js";

export interface Q6Row {
  seller: number;
  /** Average winning price of the seller's last (up to) 11 closed auctions. */
  avgPrice: number;
}

/** SQL's frame `ROWS BETWEEN 10 PRECEDING AND CURRENT ROW`. */
const FRAME = 11;

/**
 * Average over the seller's most recent closed auctions. Winning bids of one close time can reach the
 * seller from several upstream subtasks in any order, so they wait for the watermark and are taken in
 * (expires, auction id) order: the output is the same at every parallelism.
 */
class SellerAverage implements KeyedProcessFunction<number, WinningBid, Q6Row> {
  private readonly state = handlesPerSubtask((s) => ({ waiting: s.getListState<WinningBid>("waiting"), recent: s.getState<number[]>("recent") }));

  processElement(w: WinningBid, ctx: KeyedProcessContext<number>): void {
    this.state(ctx).waiting.add(w);
    ctx.timerService.registerEventTimeTimer(w.expires);
  }

  onTimer(timestamp: number, ctx: OnTimerContext<number>, out: Collector<Q6Row>): void {
    const { waiting, recent } = this.state(ctx);
    const all = waiting.get();
    const due = all.filter((w) => w.expires <= timestamp).sort((a, b) => a.expires - b.expires || a.auction - b.auction);
    const later = all.filter((w) => w.expires > timestamp);
    if (later.length === 0) waiting.clear();
    else waiting.update(later);
    const prices = recent.value() ?? [];
    for (const w of due) {
      prices.push(w.price);
      if (prices.length > FRAME) prices.shift();
      let sum = 0;
      for (const p of prices) sum += p;
      out.collect({ seller: ctx.getCurrentKey(), avgPrice: sum / prices.length });
    }
    recent.update(prices);
  }
}

/**
 * q6 average selling price by seller: per seller, the average winning price of its last 10 closed
 * auctions plus the current one. Rows are ordered by close time (the SQL orders by bid time, which a
 * stream only knows after the auction closes; Beam's Query6 also uses closing order).
 */
export const q6: NexmarkQuery<Q6Row> = {
  name: "q6",
  description: "average selling price per seller (last 11 closed auctions)",
  build: (events: DataStream<NexmarkEvent>) =>
    winningBids(events)
      .keyBy((w) => w.seller)
      .process(new SellerAverage())
      .name("q6.average"),
  check: (r) => r.seller + Math.round(r.avgPrice),
};
