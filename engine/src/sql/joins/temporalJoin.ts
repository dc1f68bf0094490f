import type { Collector } from "../../api/functions.js";
import type { KeyedCoProcessFunction, KeyedProcessContext, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { MapState, ValueState } from "../../state/State.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";

export interface TemporalJoinSpec {
  /** A temporal join is INNER or LEFT (Flink rejects RIGHT and FULL). */
  joinType: "inner" | "left";
  /** Index of the left row's time attribute named by `FOR SYSTEM_TIME AS OF`. */
  leftTime: number;
  /** Index of the versioned table's rowtime in the right row. */
  rightTime: number;
  rightWidth: number;
  /** The ON condition on the joined row (keys included: a NULL key never matches). */
  matches: (joined: Row) => boolean;
}

interface State {
  /** Left rows waiting for the watermark, by arrival number (their output keeps arrival order). */
  left: MapState<number, Change>;
  nextLeftIndex: ValueState<number>;
  /** The versions of the right side's row for this key, by their rowtime (a later one at the same time replaces it). */
  right: MapState<number, Change>;
  /** The one event-time timer this key has (Flink's registeredTimer). */
  timer: ValueState<number>;
}

/**
 * Flink SQL's event-time temporal join (TemporalRowTimeJoinOperator) as a keyed co-process function
 * over changelogs, keyed by the equality keys of ON. Left rows wait in keyed state until the
 * watermark passes their time, then each joins the version of the right row valid at that time (the
 * latest one at or before it; a deleted version or none: no match, NULL-padded for LEFT). The output
 * row takes the left row's kind. Versions older than the one valid at the watermark are then dropped,
 * so state stays one version per key plus what is newer than the watermark. The right input is the
 * versioned table's changelog without its update-befores (Flink asks the input for ONLY_UPDATE_AFTER).
 */
export function temporalJoinFunction(spec: TemporalJoinSpec): KeyedCoProcessFunction<JoinKey, Change, Change, Change> {
  const leftOuter = spec.joinType === "left";
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);
  const leftTimeOf = (c: Change): number => c.row[spec.leftTime] as number;
  const rightTimeOf = (c: Change): number => c.row[spec.rightTime] as number;

  const registerSmallestTimer = (s: State, ctx: KeyedProcessContext<JoinKey>, time: number): void => {
    const registered = s.timer.value();
    if (registered !== undefined && registered <= time) return;
    if (registered !== undefined) ctx.timerService.deleteEventTimeTimer(registered);
    ctx.timerService.registerEventTimeTimer(time);
    s.timer.update(time);
  };

  /** The latest version at or before `time` (rightSorted ascending by rowtime), as Flink's binary search. */
  const versionAt = (rightSorted: Change[], time: number): Change | undefined => {
    let lo = 0;
    let hi = rightSorted.length - 1;
    let found: Change | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const version = rightSorted[mid] as Change;
      if (rightTimeOf(version) <= time) {
        found = version;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };

  /** Joins the left rows the watermark has passed and drops the versions no later row can see; returns the earliest left time still waiting. */
  const emitAndCleanUp = (s: State, watermark: number, out: Collector<Change>): number => {
    const rightSorted = [...s.right.values()].sort((a, b) => rightTimeOf(a) - rightTimeOf(b));
    let lastUnprocessed = Number.POSITIVE_INFINITY;
    const due: [number, Change][] = [];
    for (const [seq, change] of [...s.left.entries()]) {
      const time = leftTimeOf(change);
      if (time <= watermark) {
        due.push([seq, change]);
        s.left.remove(seq);
      } else lastUnprocessed = Math.min(lastUnprocessed, time);
    }
    due.sort((a, b) => a[0] - b[0]);
    for (const [, change] of due) {
      const version = versionAt(rightSorted, leftTimeOf(change));
      const joined = version !== undefined && (version.kind === "+I" || version.kind === "+U") ? [...change.row, ...version.row] : undefined;
      if (joined !== undefined && spec.matches(joined)) out.collect({ kind: change.kind, row: joined });
      else if (leftOuter) out.collect({ kind: change.kind, row: [...change.row, ...rightNulls] });
    }
    // Keep the version valid at the watermark and the newer ones (Flink's firstIndexToKeep).
    const firstNewer = rightSorted.findIndex((c) => rightTimeOf(c) > watermark);
    const keepFrom = firstNewer < 0 ? rightSorted.length - 1 : firstNewer - 1;
    for (let i = 0; i < keepFrom; i++) s.right.remove(rightTimeOf(rightSorted[i] as Change));
    return lastUnprocessed;
  };

  const fn: KeyedCoProcessFunction<JoinKey, Change, Change, Change> & { s?: State } = {
    open(rc: KeyedRuntimeContext) {
      this.s = {
        left: rc.getMapState<number, Change>("left"),
        nextLeftIndex: rc.getState<number>("next-left-index"),
        right: rc.getMapState<number, Change>("right"),
        timer: rc.getState<number>("timer"),
      };
    },
    processElement1(change, ctx) {
      const s = this.s as State;
      const index = s.nextLeftIndex.value() ?? 0;
      s.nextLeftIndex.update(index + 1);
      s.left.put(index, change);
      registerSmallestTimer(s, ctx, leftTimeOf(change));
    },
    processElement2(change, ctx) {
      if (change.kind === "-U") return;
      const s = this.s as State;
      const time = rightTimeOf(change);
      s.right.put(time, change);
      registerSmallestTimer(s, ctx, time);
    },
    onTimer(_timestamp, ctx, out) {
      const s = this.s as State;
      s.timer.clear();
      const lastUnprocessed = emitAndCleanUp(s, ctx.timerService.currentWatermark(), out);
      if (lastUnprocessed < Number.POSITIVE_INFINITY) registerSmallestTimer(s, ctx, lastUnprocessed);
      else if (s.left.isEmpty()) s.nextLeftIndex.clear();
    },
  };
  return fn;
}
