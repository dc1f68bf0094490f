import type { TimeWindow } from "./TimeWindow.js";

/** What a trigger decides for a window. PURGE drops the window's contents (not its trigger state). */
export type TriggerResult = "CONTINUE" | "FIRE" | "PURGE" | "FIRE_AND_PURGE";

/** What a trigger may do, scoped to the current key and window. */
export interface TriggerContext {
  currentWatermark(): number;
  currentProcessingTime(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** Per key-and-window trigger state (checkpointed with the window). */
  getState<S>(name: string): S | undefined;
  setState<S>(name: string, value: S | undefined): void;
}

/**
 * Decides when a window emits (Flink's Trigger). Called with the key and window current; may
 * register timers, which call back `onEventTime` / `onProcessingTime`.
 */
export interface Trigger {
  onElement(element: unknown, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** Whether the trigger works with merging (session) windows. */
  canMerge(): boolean;
  /** Windows were merged into `window`; re-register timers for it. Trigger state of the merged windows is dropped. */
  onMerge?(window: TimeWindow, ctx: TriggerContext): void;
  /** The window is being discarded: delete timers and state. */
  clear(window: TimeWindow, ctx: TriggerContext): void;
  toString(): string;
}

/** Triggers made by `EventTimeTrigger.create()`, whose behaviour the aligned window operator builds in. */
const eventTimeTriggers = new WeakSet<Trigger>();

/** True for a trigger from `EventTimeTrigger.create()` (not a wrapper or a look-alike). */
export function isEventTimeTrigger(trigger: Trigger): boolean {
  return eventTimeTriggers.has(trigger);
}

/** Fires once the watermark passes the window's end; fires again for every late element (within allowed lateness). */
export const EventTimeTrigger = {
  create(): Trigger {
    const trigger: Trigger = {
      onElement(_e, _ts, window, ctx) {
        if (window.maxTimestamp() <= ctx.currentWatermark()) return "FIRE";
        ctx.registerEventTimeTimer(window.maxTimestamp());
        return "CONTINUE";
      },
      onEventTime: (time, window) => (time === window.maxTimestamp() ? "FIRE" : "CONTINUE"),
      onProcessingTime: () => "CONTINUE",
      canMerge: () => true,
      onMerge(window, ctx) {
        if (window.maxTimestamp() > ctx.currentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
      },
      clear: (window, ctx) => ctx.deleteEventTimeTimer(window.maxTimestamp()),
      toString: () => "EventTimeTrigger()",
    };
    eventTimeTriggers.add(trigger);
    return trigger;
  },
};

/** Fires when the clock passes the window's end. */
export const ProcessingTimeTrigger = {
  create(): Trigger {
    return {
      onElement(_e, _ts, window, ctx) {
        ctx.registerProcessingTimeTimer(window.maxTimestamp());
        return "CONTINUE";
      },
      onEventTime: () => "CONTINUE",
      onProcessingTime: () => "FIRE",
      canMerge: () => true,
      onMerge(window, ctx) {
        ctx.registerProcessingTimeTimer(window.maxTimestamp());
      },
      clear: (window, ctx) => ctx.deleteProcessingTimeTimer(window.maxTimestamp()),
      toString: () => "ProcessingTimeTrigger()",
    };
  },
};

/** Fires every `count` elements of a window (and keeps the contents; wrap in PurgingTrigger to reset). */
export const CountTrigger = {
  of(count: number): Trigger {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`CountTrigger needs a positive integer, got ${count}`);
    return {
      onElement(_e, _ts, _w, ctx) {
        const seen = (ctx.getState<number>("count") ?? 0) + 1;
        if (seen >= count) {
          ctx.setState("count", undefined);
          return "FIRE";
        }
        ctx.setState("count", seen);
        return "CONTINUE";
      },
      onEventTime: () => "CONTINUE",
      onProcessingTime: () => "CONTINUE",
      canMerge: () => false,
      clear: (_w, ctx) => ctx.setState("count", undefined),
      toString: () => `CountTrigger(${count})`,
    };
  },
};

/** Makes every FIRE of `inner` a FIRE_AND_PURGE, so each firing starts the window afresh. */
export const PurgingTrigger = {
  of(inner: Trigger): Trigger {
    const purge = (r: TriggerResult): TriggerResult => (r === "FIRE" ? "FIRE_AND_PURGE" : r);
    return {
      onElement: (e, ts, w, ctx) => purge(inner.onElement(e, ts, w, ctx)),
      onEventTime: (t, w, ctx) => purge(inner.onEventTime(t, w, ctx)),
      onProcessingTime: (t, w, ctx) => purge(inner.onProcessingTime(t, w, ctx)),
      canMerge: () => inner.canMerge(),
      ...(inner.onMerge !== undefined ? { onMerge: (w: TimeWindow, ctx: TriggerContext) => inner.onMerge!(w, ctx) } : {}),
      clear: (w, ctx) => inner.clear(w, ctx),
      toString: () => `PurgingTrigger(${inner.toString()})`,
    };
  },
};

/** Never fires (the default of global windows: pick another trigger). */
export const NeverTrigger = {
  create(): Trigger {
    return {
      onElement: () => "CONTINUE",
      onEventTime: () => "CONTINUE",
      onProcessingTime: () => "CONTINUE",
      canMerge: () => true,
      clear: () => {},
      toString: () => "NeverTrigger()",
    };
  },
};

/**
 * Early results: fires every `interval` ms of event time while the window is open, and at its end.
 * Good for live dashboards over long windows.
 */
export const ContinuousEventTimeTrigger = {
  of(interval: number): Trigger {
    if (!(interval > 0)) throw new RangeError(`interval must be > 0, got ${interval}`);
    const scheduleNext = (timestamp: number, window: TimeWindow, ctx: TriggerContext) => {
      if (ctx.getState<number>("next") !== undefined) return;
      const next = timestamp - (((timestamp % interval) + interval) % interval) + interval;
      if (next < window.maxTimestamp()) {
        ctx.setState("next", next);
        ctx.registerEventTimeTimer(next);
      }
    };
    return {
      onElement(_e, ts, window, ctx) {
        if (window.maxTimestamp() <= ctx.currentWatermark()) return "FIRE";
        ctx.registerEventTimeTimer(window.maxTimestamp());
        scheduleNext(Math.max(ts, ctx.currentWatermark()), window, ctx);
        return "CONTINUE";
      },
      onEventTime(time, window, ctx) {
        if (time === window.maxTimestamp()) return "FIRE";
        if (ctx.getState<number>("next") === time) {
          ctx.setState("next", undefined);
          scheduleNext(time, window, ctx);
          return "FIRE";
        }
        return "CONTINUE";
      },
      onProcessingTime: () => "CONTINUE",
      canMerge: () => false,
      clear(window, ctx) {
        const next = ctx.getState<number>("next");
        if (next !== undefined) ctx.deleteEventTimeTimer(next);
        ctx.setState("next", undefined);
        ctx.deleteEventTimeTimer(window.maxTimestamp());
      },
      toString: () => `ContinuousEventTimeTrigger(${interval})`,
    };
  },
};
