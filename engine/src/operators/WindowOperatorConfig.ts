import type { Collector } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import type { Trigger } from "../windows/Trigger.js";
import type { WindowAssigner } from "../windows/WindowAssigner.js";
import type { WindowContext } from "../windows/WindowFunction.js";
import type { WindowStoreSnapshot } from "./WindowStore.js";

export interface WindowOperatorConfig<IN, ACC, R, OUT, K> {
  assigner: WindowAssigner;
  trigger: Trigger;
  allowedLateness: number;
  lateDataTag: OutputTag<IN> | undefined;
  keySelector: (value: IN) => K;
  /** Incremental contents of a window; `process` windows use a list aggregate. */
  aggregate: AggregateFunction<IN, ACC, R>;
  /**
   * The aggregate's `merge` of partial accumulators gives the window's result (`reduce`, `aggregate`): sliding
   * windows may then keep one accumulator per slide (`SlicedWindowOperator`). Not for `process`, whose list
   * Flink keeps per window, nor an evictor.
   */
  sliceable?: boolean;
  /**
   * A firing may emit its keys in any order, not in order of their first record in the window: the global
   * phase of a two-phase window, whose partials of one key come from several subtasks in an order no one
   * chose (sorting by it took ~1 % of nexmark q5's CPU at parallelism 2 and ordered nothing).
   */
  anyKeyOrder?: boolean;
  /** Turns the aggregate's result into output when the window fires. */
  emit: (key: K, ctx: WindowContext<K>, result: R, out: Collector<OUT>) => void;
}

/** A timer in a checkpoint: [timestamp, key, window start, window end]. */
export type TimerSnapshot = [number, unknown, number, number];

/**
 * Checkpointed state of a window operator subtask. Both implementations (general and aligned) write
 * and read this one format, so a checkpoint restores whichever path the restored job selects.
 */
export interface WindowOperatorSnapshot {
  windows: WindowStoreSnapshot;
  eventTimers: TimerSnapshot[];
  processingTimers: TimerSnapshot[];
}
