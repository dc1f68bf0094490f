import { Aggregators, SlidingEventTimeWindows } from "../../../engine/src/index.js";
import type { Collector, DataStream, KeyedProcessContext, KeyedProcessFunction, OnTimerContext, WindowResult } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, handlesPerSubtask, LocalPrune, TEN_SECONDS, type NexmarkQuery } from "./common.js";

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
 * A local pre-filter ahead of the exchange to q5.max (q7's BelowWindowTop for counts; the Java twin's
 * BelowWindowMax): per subtask, the highest count so far of the newest window, and every count of that
 * window below it dropped — it cannot be its window's maximum. The higher count went ahead on the same FIFO
 * channel to the same q5.max subtask (both are keyed by the window's start). Counts of an older window pass
 * unpruned. A window fires every auction's count at once (~6,000 per window at 10,000 events/s), so at
 * parallelism 2 half of them crossed threads where now a few per window do. No checkpointed state: a
 * restored subtask starts with none and prunes less, never wrongly.
 */
export class BelowWindowMax extends LocalPrune<WindowResult<number, number>> {
  private start = Number.NEGATIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Whether `r` may still be its window's highest count (and it raises the bound if so). */
  keep(r: WindowResult<number, number>): boolean {
    if (r.start > this.start) {
      this.start = r.start;
      this.max = r.value;
      return true;
    }
    if (r.start < this.start) return true;
    if (r.value < this.max) return false;
    this.max = r.value;
    return true;
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
      // One instance per subtask (a plain filter's closure would be shared by the subtasks on one thread).
      .transform<WindowResult<number, number>>("q5.belowWindowMax", (ctx) => new BelowWindowMax(ctx.output))
      .keyBy((r) => r.start)
      .process(new HottestPerWindow())
      .name("q5.max"),
  check: (r) => r.auction + r.num,
};
