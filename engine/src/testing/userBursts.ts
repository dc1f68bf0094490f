import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import type { PageView } from "../connectors/datagen/PageViews.js";
import type { ValueState } from "../state/State.js";

/**
 * A keyed process function for page views keyed by user, with keyed state and an event-time
 * timer to checkpoint: counts a user's views from their first until 20 s of event time later,
 * then emits `user@timer:count` and starts over.
 */
export function userBursts(): KeyedProcessFunction<string, PageView, string> {
  const fn: KeyedProcessFunction<string, PageView, string> & { count?: ValueState<number> } = {
    open(rc) {
      this.count = rc.getState<number>("count", 0);
    },
    processElement(v, ctx) {
      if (this.count!.value() === 0) ctx.timerService.registerEventTimeTimer(v.ts + 20_000);
      this.count!.update(this.count!.value()! + 1);
    },
    onTimer(ts, ctx, collector) {
      collector.collect(`${ctx.getCurrentKey()}@${ts}:${this.count!.value()}`);
      this.count!.clear();
    },
  };
  return fn;
}
