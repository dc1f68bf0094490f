import type { Collector } from "../../api/functions.js";
import type { KeyedCoProcessFunction, KeyedRuntimeContext } from "../../api/keyedFunctions.js";
import type { MapState } from "../../state/State.js";
import type { JoinType } from "../ast.js";
import type { Change, RowKind } from "../changelog.js";
import type { Row } from "../connectors.js";
import { recordKeyOf, type JoinKey } from "./joinKey.js";

/**
 * A side's distinct record, how many times it is there, and (outer side) with how many rows of the
 * other side it joins. Replaced, never changed in place: a checkpoint holds the objects it snapshotted.
 */
interface Stored {
  row: Row;
  count: number;
  associations: number;
}

export interface RegularJoinSpec {
  joinType: JoinType;
  leftWidth: number;
  rightWidth: number;
  /**
   * What ON asks beyond equal join keys, on the joined row (undefined: nothing). The keys need no check:
   * the operator is keyed by `joinKeyOf`, so equal keys are equal values, and a `null` key matches nothing.
   */
  matches: ((joined: Row) => boolean) | undefined;
  /** Per side, the columns of its input's unique key (Flink's JoinInputSideSpec): a record is found by them instead of by the whole row. */
  uniqueKeys?: readonly [readonly number[] | undefined, readonly number[] | undefined];
}

/**
 * Flink's StreamingJoinOperator over changelogs: both sides' records kept per join key in MapState
 * (Flink's JoinRecordStateView: by the input's unique key when it has one, else by the row, with its
 * count and, for an outer side, its number of associations), each change joined against the other
 * side's records. An inner join forwards the input's RowKind; an outer one sends +I/-D, retracting a
 * NULL-padded row (-D) when its first match arrives and re-inserting it (+I) when its last goes.
 */
export function regularJoinFunction(spec: RegularJoinSpec): KeyedCoProcessFunction<JoinKey, Change, Change, Change> {
  const leftOuter = spec.joinType === "left" || spec.joinType === "full";
  const rightOuter = spec.joinType === "right" || spec.joinType === "full";
  const outer = leftOuter || rightOuter;
  const leftNulls: Row = new Array<null>(spec.leftWidth).fill(null);
  const rightNulls: Row = new Array<null>(spec.rightWidth).fill(null);
  const { matches } = spec;
  const [leftUnique, rightUnique] = spec.uniqueKeys ?? [undefined, undefined];
  // Reused between calls (one record at a time): the other side's records the input joins, and their joined rows.
  const associated: [unknown, Stored][] = [];
  const joinedRows: Row[] = [];

  const emit = (out: Collector<Change>, kind: RowKind, row: Row, times: number): void => {
    for (let i = 0; i < times; i++) out.collect({ kind, row });
  };

  const process = (own: MapState<unknown, Stored>, other: MapState<unknown, Stored>, input: Change, isLeft: boolean, key: JoinKey, out: Collector<Change>): void => {
    const { row } = input;
    const inputOuter = isLeft ? leftOuter : rightOuter;
    const otherOuter = isLeft ? rightOuter : leftOuter;
    associated.length = 0;
    joinedRows.length = 0;
    let size = 0;
    if (key !== null) {
      for (const entry of other.entries()) {
        const s = entry[1];
        const joined = isLeft ? row.concat(s.row) : s.row.concat(row);
        if (matches !== undefined && !matches(joined)) continue;
        associated.push(entry);
        joinedRows.push(joined);
        size += s.count;
      }
    }
    const recordKey = recordKeyOf(row, isLeft ? leftUnique : rightUnique);
    const accumulate = input.kind === "+I" || input.kind === "+U";
    if (accumulate) {
      const before = own.get(recordKey);
      own.put(recordKey, { row, count: (before?.count ?? 0) + 1, associations: inputOuter ? size : 0 });
      if (associated.length === 0) {
        if (inputOuter) out.collect({ kind: "+I", row: isLeft ? row.concat(rightNulls) : leftNulls.concat(row) });
        return;
      }
      if (otherOuter) {
        for (const [k, s] of associated) {
          if (s.associations === 0) emit(out, "-D", isLeft ? leftNulls.concat(s.row) : s.row.concat(rightNulls), s.count);
          other.put(k, { row: s.row, count: s.count, associations: s.associations + 1 });
        }
      }
      for (let i = 0; i < associated.length; i++) emit(out, outer ? "+I" : input.kind, joinedRows[i] as Row, (associated[i] as [unknown, Stored])[1].count);
      return;
    }
    const before = own.get(recordKey);
    if (before !== undefined) {
      if (before.count > 1) own.put(recordKey, { row: before.row, count: before.count - 1, associations: before.associations });
      else own.remove(recordKey);
    }
    if (associated.length === 0) {
      if (inputOuter) out.collect({ kind: "-D", row: isLeft ? row.concat(rightNulls) : leftNulls.concat(row) });
      return;
    }
    for (let i = 0; i < associated.length; i++) emit(out, inputOuter ? "-D" : input.kind, joinedRows[i] as Row, (associated[i] as [unknown, Stored])[1].count);
    if (otherOuter) {
      for (const [k, s] of associated) {
        if (s.associations === 1) emit(out, "+I", isLeft ? leftNulls.concat(s.row) : s.row.concat(rightNulls), s.count);
        other.put(k, { row: s.row, count: s.count, associations: s.associations - 1 });
      }
    }
  };

  const fn: KeyedCoProcessFunction<JoinKey, Change, Change, Change> & { left?: MapState<unknown, Stored>; right?: MapState<unknown, Stored> } = {
    open(rc: KeyedRuntimeContext) {
      this.left = rc.getMapState<unknown, Stored>("left-records");
      this.right = rc.getMapState<unknown, Stored>("right-records");
    },
    processElement1(change, ctx, out) {
      process(this.left as MapState<unknown, Stored>, this.right as MapState<unknown, Stored>, change, true, ctx.getCurrentKey(), out);
    },
    processElement2(change, ctx, out) {
      process(this.right as MapState<unknown, Stored>, this.left as MapState<unknown, Stored>, change, false, ctx.getCurrentKey(), out);
    },
  };
  return fn;
}
