import type { Collector, DataStream, KeyedCoProcessFunction, KeyedProcessContext, OnTimerContext } from "../../../engine/src/index.js";
import type { Auction, Bid, NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { auctions, bids, handlesPerSubtask } from "./common.js";

/** The highest bid of a closed auction (Nexmark's "winning bid", as q4 and q6 define it). */
export interface WinningBid {
  auction: number;
  seller: number;
  category: number;
  price: number;
  /** When the auction closed; also the record's event timestamp. */
  expires: number;
}

interface OpenAuction {
  seller: number;
  category: number;
  start: number;
  expires: number;
  /** Highest qualifying bid so far, -1 before the first. Mutated in place: state holds this object. */
  price: number;
}

interface EarlyBid {
  price: number;
  dateTime: number;
}

/** Cleanup timers for early bids are rounded up to this grid, so bids of one key share a timer. */
const CLEANUP_GRID_MS = 1000;

/**
 * Joins each auction with its bids that fall in `[auction.dateTime, auction.expires]` (the join of
 * Nexmark's q4/q6 SQL) and emits the highest one when the watermark passes `expires`: by then every
 * bid that can qualify has arrived, so the result is final and the auction's state is dropped.
 *
 * A bid can arrive before its auction (Nexmark names auctions up to 10 ids ahead). It can only qualify
 * if the auction's dateTime <= the bid's, so it is kept until the watermark passes the bid's time —
 * after that no such auction can still come.
 */
class WinningBidFunction implements KeyedCoProcessFunction<number, Auction, Bid, WinningBid> {
  private readonly state = handlesPerSubtask((s) => ({ auction: s.getState<OpenAuction>("auction"), early: s.getListState<EarlyBid>("earlyBids") }));

  processElement1(a: Auction, ctx: KeyedProcessContext<number>): void {
    const { auction, early } = this.state(ctx);
    const state: OpenAuction = { seller: a.seller, category: a.category, start: a.dateTime, expires: a.expires, price: -1 };
    for (const b of early.get()) if (b.dateTime >= state.start && b.dateTime <= state.expires && b.price > state.price) state.price = b.price;
    early.clear();
    auction.update(state);
    ctx.timerService.registerEventTimeTimer(a.expires);
  }

  processElement2(b: Bid, ctx: KeyedProcessContext<number>): void {
    const { auction, early } = this.state(ctx);
    const state = auction.value();
    if (state !== undefined) {
      if (b.dateTime >= state.start && b.dateTime <= state.expires && b.price > state.price) state.price = b.price;
      return;
    }
    // No auction yet (or already closed: then the bid is after `expires` and is dropped by the timer).
    early.add({ price: b.price, dateTime: b.dateTime });
    ctx.timerService.registerEventTimeTimer(Math.ceil(b.dateTime / CLEANUP_GRID_MS) * CLEANUP_GRID_MS);
  }

  onTimer(timestamp: number, ctx: OnTimerContext<number>, out: Collector<WinningBid>): void {
    const { auction, early } = this.state(ctx);
    const state = auction.value();
    if (state !== undefined) {
      if (timestamp < state.expires) return; // an early-bid cleanup timer of the auction's key
      if (state.price >= 0) out.collect({ auction: ctx.getCurrentKey(), seller: state.seller, category: state.category, price: state.price, expires: state.expires });
      auction.clear();
      return;
    }
    const kept = early.get().filter((b) => b.dateTime > timestamp);
    if (kept.length === 0) early.clear();
    else early.update(kept);
  }
}

/** Winning bids of all auctions that received at least one qualifying bid, at their close time. */
export function winningBids(events: DataStream<NexmarkEvent>): DataStream<WinningBid> {
  return auctions(events)
    .connect(bids(events))
    .keyBy(
      (a) => a.id,
      (b) => b.auction,
    )
    .process(new WinningBidFunction())
    .name("winningBids");
}
