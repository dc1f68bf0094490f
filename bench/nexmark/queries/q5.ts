import { Aggregators, SlidingEventTimeWindows } from "../../../engine/src/index.js";
import type { Collector, DataStream, KeyedProcessContext, KeyedProcessFunction, OnTimerContext, WindowResult } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, handlesPerSubtask, TEN_SECONDS, type NexmarkQuery } from "./common.js";

export interface Q5Row {
  auction: number;
  num: number;
  /** Window start (SQL's `starttime`; kept so results can be checked per window). */
  starttime: number;
}

interface Leaders {
  max: number;
  auctions: number[];
}

/** Per window: the auctions with the most bids. Emits when the watermark passes the window's end. */
class HottestPerWindow implements KeyedProcessFunction<number, WindowResult<number, number>, Q5Row> {
  private readonly leaders = handlesPerSubtask((s) => s.getState<Leaders>("leaders"));

  processElement(r: WindowResult<number, number>, ctx: KeyedProcessContext<number>): void {
    const leaders = this.leaders(ctx);
    const l = leaders.value();
    if (l === undefined) {
      leaders.update({ max: r.value, auctions: [r.key] });
      // Window results carry timestamp end - 1; every count of this window has arrived once the watermark passes it.
      ctx.timerService.registerEventTimeTimer(ctx.timestamp);
    } else if (r.value > l.max) {
      l.max = r.value;
      l.auctions = [r.key];
    } else if (r.value === l.max) {
      l.auctions.push(r.key);
    }
  }

  onTimer(_timestamp: number, ctx: OnTimerContext<number>, out: Collector<Q5Row>): void {
    const leaders = this.leaders(ctx);
    const l = leaders.value()!;
    for (const auction of l.auctions) out.collect({ auction, num: l.max, starttime: ctx.getCurrentKey() });
    leaders.clear();
  }
}

/**
 * q5 hot items: per sliding window (10 s, every 2 s), the auctions with the most bids — the Nexmark SQL
 * joins per-auction counts with the per-window maximum (`num >= maxn`).
 */
export const q5: NexmarkQuery<Q5Row> = {
  name: "q5",
  description: "hot items (most bids per sliding window)",
  build: (events: DataStream<NexmarkEvent>) =>
    bids(events)
      // Only the auction crosses to the window's subtask (as a Flink user maps to the key before keyBy): the
      // timestamp travels with the record, and a whole Bid's strings would be most of the exchange's bytes.
      .map((b) => b.auction)
      .name("q5.auction")
      .keyBy((auction) => auction)
      .window(SlidingEventTimeWindows.of(TEN_SECONDS, 2000))
      .aggregateWithWindow(Aggregators.count())
      .keyBy((r) => r.start)
      .process(new HottestPerWindow())
      .name("q5.max"),
  check: (r) => r.auction + r.num,
};
