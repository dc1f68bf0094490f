import type { Duration } from "../time/Time.js";
import { GLOBAL_WINDOW, TimeWindow, windowStart } from "./TimeWindow.js";
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger, type Trigger } from "./Trigger.js";

/**
 * Puts each record into zero or more windows (Flink's WindowAssigner). `merging` assigners
 * (sessions) produce one window per record that the operator merges with overlapping ones.
 */
export interface WindowAssigner {
  /** Windows by event timestamp (true) or by processing time at arrival (false). */
  readonly isEventTime: boolean;
  readonly merging: boolean;
  assignWindows(element: unknown, timestamp: number, currentProcessingTime: number): TimeWindow[];
  /**
   * Set by assigners whose windows are exactly `[s, s + size)` for every
   * `s = windowStart(t, offset, slide) - k·slide > t - size` (k = 0, 1, ...; in that order), as
   * tumbling (slide = size) and sliding windows are. Lets the window operator compute windows as
   * numbers and share one window object across keys (`AlignedWindowOperator`).
   */
  readonly aligned?: AlignedWindows;
  defaultTrigger(): Trigger;
  toString(): string;
}

/** Fixed-size windows on a grid; see `WindowAssigner.aligned`. */
export interface AlignedWindows {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  /**
   * Set where each record names its one window, by its start on the grid (SQL's rows of an upstream window
   * aggregate, Flink's window-attached windowing): the record is in that window only, not in every window
   * its timestamp falls in.
   */
  readonly windowOf?: (element: unknown) => number;
}

function checkSize(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of ms, got ${value}`);
}

function tumbling(isEventTime: boolean, size: Duration, offset: Duration): WindowAssigner {
  checkSize("window size", size);
  return {
    isEventTime,
    merging: false,
    aligned: { size, slide: size, offset },
    assignWindows(_e, timestamp, now) {
      const t = isEventTime ? timestamp : now;
      const start = windowStart(t, offset, size);
      return [new TimeWindow(start, start + size)];
    },
    defaultTrigger: () => (isEventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create()),
    toString: () => `Tumbling${isEventTime ? "EventTime" : "ProcessingTime"}Windows(${size}${offset ? `, offset ${offset}` : ""})`,
  };
}

function sliding(isEventTime: boolean, size: Duration, slide: Duration, offset: Duration): WindowAssigner {
  checkSize("window size", size);
  checkSize("window slide", slide);
  return {
    isEventTime,
    merging: false,
    aligned: { size, slide, offset },
    assignWindows(_e, timestamp, now) {
      const t = isEventTime ? timestamp : now;
      const windows: TimeWindow[] = [];
      for (let start = windowStart(t, offset, slide); start > t - size; start -= slide) windows.push(new TimeWindow(start, start + size));
      return windows;
    },
    defaultTrigger: () => (isEventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create()),
    toString: () => `Sliding${isEventTime ? "EventTime" : "ProcessingTime"}Windows(${size}, ${slide})`,
  };
}

function session(isEventTime: boolean, gapOf: (element: unknown) => Duration): WindowAssigner {
  return {
    isEventTime,
    merging: true,
    assignWindows(element, timestamp, now) {
      const t = isEventTime ? timestamp : now;
      const gap = gapOf(element);
      checkSize("session gap", gap);
      return [new TimeWindow(t, t + gap)];
    },
    defaultTrigger: () => (isEventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create()),
    toString: () => `${isEventTime ? "EventTime" : "ProcessingTime"}SessionWindows`,
  };
}

/**
 * Fixed-size, non-overlapping event-time windows `[k·size + offset, (k+1)·size + offset)`.
 * @example keyed.window(TumblingEventTimeWindows.of(Time.minutes(1)))
 */
export const TumblingEventTimeWindows = {
  of: (size: Duration, offset: Duration = 0): WindowAssigner => tumbling(true, size, offset),
};

export const TumblingProcessingTimeWindows = {
  of: (size: Duration, offset: Duration = 0): WindowAssigner => tumbling(false, size, offset),
};

/**
 * Windows of `size` starting every `slide`; a record belongs to `size / slide` windows.
 * @example keyed.window(SlidingEventTimeWindows.of(Time.minutes(10), Time.minutes(1)))
 */
export const SlidingEventTimeWindows = {
  of: (size: Duration, slide: Duration, offset: Duration = 0): WindowAssigner => sliding(true, size, slide, offset),
};

export const SlidingProcessingTimeWindows = {
  of: (size: Duration, slide: Duration, offset: Duration = 0): WindowAssigner => sliding(false, size, slide, offset),
};

/**
 * Sessions: records of a key closer than `gap` apart (end of one to the next record) form one window.
 * @example keyed.window(EventTimeSessionWindows.withGap(Time.minutes(5)))
 */
export const EventTimeSessionWindows = {
  withGap: (gap: Duration): WindowAssigner => {
    checkSize("session gap", gap);
    return session(true, () => gap);
  },
  withDynamicGap: <T>(gapOf: (element: T) => Duration): WindowAssigner => session(true, gapOf as (e: unknown) => Duration),
};

export const ProcessingTimeSessionWindows = {
  withGap: (gap: Duration): WindowAssigner => {
    checkSize("session gap", gap);
    return session(false, () => gap);
  },
};

/**
 * One window per key holding everything; needs a trigger, e.g. `CountTrigger.of(100)`.
 * @example keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100)))
 */
export const GlobalWindows = {
  create: (): WindowAssigner => ({
    isEventTime: false,
    merging: false,
    assignWindows: () => [GLOBAL_WINDOW],
    defaultTrigger: () => NeverTrigger.create(),
    toString: () => "GlobalWindows()",
  }),
};

function cumulative(isEventTime: boolean, size: Duration, step: Duration, offset: Duration): WindowAssigner {
  checkSize("window size", size);
  checkSize("window step", step);
  if (size % step !== 0) throw new RangeError(`a cumulative window's size must be an integral multiple of its step, got size ${size} ms and step ${step} ms`);
  return {
    isEventTime,
    merging: false,
    assignWindows(_e, timestamp, now) {
      const t = isEventTime ? timestamp : now;
      const start = windowStart(t, offset, size);
      const windows: TimeWindow[] = [];
      for (let end = start + size; end > t; end -= step) windows.push(new TimeWindow(start, end));
      return windows;
    },
    defaultTrigger: () => (isEventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create()),
    toString: () => `Cumulative${isEventTime ? "EventTime" : "ProcessingTime"}Windows(${size}, ${step})`,
  };
}

/**
 * Flink SQL's CUMULATE windows (the table runtime's CumulativeWindowAssigner): every `size` a new
 * window start; windows `[start, start + k·step)` for k = 1 … size/step grow by `step` and overlap.
 * A record belongs to each of them that ends after it.
 * @example keyed.window(CumulativeEventTimeWindows.of(Time.days(1), Time.hours(1)))
 */
export const CumulativeEventTimeWindows = {
  of: (size: Duration, step: Duration, offset: Duration = 0): WindowAssigner => cumulative(true, size, step, offset),
};

/** CUMULATE over a `PROCTIME()` column: as `CumulativeEventTimeWindows`, by the clock at arrival. */
export const CumulativeProcessingTimeWindows = {
  of: (size: Duration, step: Duration, offset: Duration = 0): WindowAssigner => cumulative(false, size, step, offset),
};
