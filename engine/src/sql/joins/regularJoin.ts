import type { Collector } from "../../api/functions.js";
import type { KeyedCoProcessFunction, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { MapState } from "../../state/State.js";
import type { JoinType } from "../ast.js";
import type { Change, RowKind } from "../changelog.js";
import type { Row } from "../connectors.js";

/** A side's distinct row, how many times it is there, and (outer side) with how many rows of the other side it joins. */
interface Stored {
  row: Row;
  count: number;
  associations: number;
}

export interface RegularJoinSpec {
  joinType: JoinType;
  leftWidth: number;
  rightWidth: number;
  /** The ON condition on the joined row (keys included: a NULL key never matches). */
  matches: (joined: Row) => boolean;
}

/**
 * Flink's StreamingJoinOperator: both sides' rows kept per join key in MapState (row → count and,
 * for an outer side, its number of associations), each change joined against the other side's
 * rows. An inner join forwards the input's RowKind; an outer one sends +I/-D, retracting a
 * NULL-padded row (-D) when its first match arrives and re-inserting it (+I) when its last goes.
 */
export function regularJoinFunction(spec: RegularJoinSpec): KeyedCoProcessFunction<string, Change, Change, Change> {
  const leftOuter = spec.joinType === "left" || spec.joinType === "full";
  const rightOuter = spec.joinType === "right" || spec.joinType === "full";
  const leftNulls = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls = new Array<null>(spec.rightWidth).fill(null);

  const process = (own: MapState<string, Stored>, other: MapState<string, Stored>, input: Change, isLeft: boolean, out: Collector<Change>): void => {
    const { row } = input;
    const inputOuter = isLeft ? leftOuter : rightOuter;
    const otherOuter = isLeft ? rightOuter : leftOuter;
    const joined = (o: Row): Row => (isLeft ? [...row, ...o] : [...o, ...row]);
    const padded = (r: Row, left: boolean): Row => (left ? [...r, ...rightNulls] : [...leftNulls, ...r]);
    const emit = (kind: RowKind, r: Row, times = 1): void => {
      for (let i = 0; i < times; i++) out.collect({ kind, row: r });
    };
    const associated: [string, Stored][] = [];
    let size = 0;
    for (const [k, s] of other.entries()) {
      if (spec.matches(joined(s.row))) {
        associated.push([k, s]);
        size += s.count;
      }
    }
    const key = JSON.stringify(row);
    const accumulate = input.kind === "+I" || input.kind === "+U";
    const outer = leftOuter || rightOuter;
    if (accumulate) {
      const before = own.get(key);
      own.put(key, { row, count: (before?.count ?? 0) + 1, associations: inputOuter ? size : 0 });
      if (associated.length === 0) {
        if (inputOuter) emit("+I", padded(row, isLeft));
        return;
      }
      if (otherOuter) {
        for (const [k, s] of associated) {
          if (s.associations === 0) emit("-D", padded(s.row, !isLeft), s.count);
          other.put(k, { ...s, associations: s.associations + 1 });
        }
      }
      for (const [, s] of associated) emit(outer ? "+I" : input.kind, joined(s.row), s.count);
      return;
    }
    const before = own.get(key);
    if (before !== undefined) {
      if (before.count > 1) own.put(key, { ...before, count: before.count - 1 });
      else own.remove(key);
    }
    if (associated.length === 0) {
      if (inputOuter) emit("-D", padded(row, isLeft));
      return;
    }
    for (const [, s] of associated) emit(inputOuter ? "-D" : input.kind, joined(s.row), s.count);
    if (otherOuter) {
      for (const [k, s] of associated) {
        if (s.associations === 1) emit("+I", padded(s.row, !isLeft), s.count);
        other.put(k, { ...s, associations: s.associations - 1 });
      }
    }
  };

  const fn: KeyedCoProcessFunction<string, Change, Change, Change> & { left?: MapState<string, Stored>; right?: MapState<string, Stored> } = {
    open(rc: KeyedRuntimeContext) {
      this.left = rc.getMapState<string, Stored>("left-records");
      this.right = rc.getMapState<string, Stored>("right-records");
    },
    processElement1(change, _ctx, out) {
      process(this.left as MapState<string, Stored>, this.right as MapState<string, Stored>, change, true, out);
    },
    processElement2(change, _ctx, out) {
      process(this.right as MapState<string, Stored>, this.left as MapState<string, Stored>, change, false, out);
    },
  };
  return fn;
}
