import type { Collector } from "../../api/functions.js";
import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import type { ValueState } from "../../state/State.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import { rankEmitter, sameRow } from "./rankFunctions.js";

/** The rows of one sort key, in arrival order: Flink's sorted-map count and data-state list in one. */
interface Entry {
  key: unknown[];
  rows: Row[];
}

/**
 * Flink's RetractableTopNFunction: Top-N over an updating input (+I/-U/+U/-D), per partition key.
 * Unlike the append-only Top-N it keeps every row of the partition, not only the top N, since a
 * retraction lets the next row in. It sends the changes Flink 1.20's sends, in the same order, so
 * changelogs compare change by change (the emit/retract procedures below follow its own): with the
 * rank shown (or a rank range starting after 1), rows shifting by one rank as -U/+U pairs per rank
 * and a +I or -D at the end of the top N; without, a -D of the row leaving the top N and a +I of the
 * one entering it. Output rows are the input row, plus its rank when `outputRankNumber`.
 */
export function retractableTopN(
  sortKeyOf: (r: Row) => unknown[],
  compare: (a: unknown[], b: unknown[]) => number,
  rankStart: number,
  rankEnd: number,
  outputRankNumber: boolean,
): KeyedProcessFunction<unknown, Change, Change> {
  const inRange = (rank: number): boolean => rank >= rankStart && rank <= rankEnd;
  const emit = rankEmitter(rankStart, rankEnd, outputRankNumber);
  const withRowNumber = outputRankNumber || rankStart > 1;

  const fn: KeyedProcessFunction<unknown, Change, Change> & { buffer?: ValueState<Entry[]> } = {
    open(rc) {
      this.buffer = rc.getState<Entry[]>("retract-topn");
    },
    processElement(change, _ctx, out) {
      const state = this.buffer as ValueState<Entry[]>;
      const buffer = state.value() ?? [];
      const row = change.row;
      const key = sortKeyOf(row);
      const at = lowerBound(buffer, key, compare);
      const found = at < buffer.length && compare((buffer[at] as Entry).key, key) === 0;
      // New arrays for the changed entry and the list: a checkpoint may hold the old ones.
      if (change.kind === "+I" || change.kind === "+U") {
        const next = found ? buffer.map((e, i) => (i === at ? { key: e.key, rows: [...e.rows, row] } : e)) : [...buffer.slice(0, at), { key, rows: [row] }, ...buffer.slice(at)];
        if (withRowNumber) emitWithRowNumber(next, at, row, out);
        else emitWithoutRowNumber(next, at, row, out);
        state.update(next);
        return;
      }
      // A retraction of a row not held (state cleared, or never in): nothing to send, as Flink's lenient mode.
      const entry = found ? (buffer[at] as Entry) : undefined;
      const index = entry ? entry.rows.findIndex((r) => sameRow(r, row)) : -1;
      if (!entry || index < 0) return;
      if (withRowNumber) retractWithRowNumber(buffer, at, index, out);
      else retractWithoutRowNumber(buffer, at, index, out);
      const rows = entry.rows.filter((_, i) => i !== index);
      state.update(rows.length === 0 ? [...buffer.slice(0, at), ...buffer.slice(at + 1)] : buffer.map((e, i) => (i === at ? { key: e.key, rows } : e)));
    },
  };

  /** A row added to entry `at` (already in `buffer`): every row after its key moves down one rank. */
  function emitWithRowNumber(buffer: Entry[], at: number, input: Row, out: Collector<Change>): void {
    let rank = 0;
    let current = input;
    for (let i = 0; i < buffer.length && rank <= rankEnd; i++) {
      const entry = buffer[i] as Entry;
      if (i <= at) {
        rank += entry.rows.length;
        continue;
      }
      for (let k = 0; k < entry.rows.length && rank <= rankEnd; k++) {
        const prev = entry.rows[k] as Row;
        emit(out, "-U", prev, rank);
        emit(out, "+U", current, rank);
        current = prev;
        rank += 1;
      }
    }
    // The top N was not full: the last row moved (or the new one) is inserted at the end.
    if (rank <= rankEnd) emit(out, "+I", current, rank);
  }

  function emitWithoutRowNumber(buffer: Entry[], at: number, input: Row, out: Collector<Change>): void {
    let rank = 0;
    let toCollect = false;
    let toDelete: Row | undefined;
    for (let i = 0; i < buffer.length && rank <= rankEnd; i++) {
      const entry = buffer[i] as Entry;
      if (i < at) rank += entry.rows.length;
      else if (i === at) {
        rank += entry.rows.length;
        toCollect = inRange(rank);
      } else if (rank + entry.rows.length <= rankEnd) rank += entry.rows.length;
      else {
        // The row pushed from rank N to N + 1.
        toDelete = entry.rows[rankEnd - rank];
        break;
      }
    }
    if (toDelete) out.collect({ kind: "-D", row: toDelete });
    if (toCollect) out.collect({ kind: "+I", row: input });
  }

  /** Row `index` of entry `at` leaves: every row after it moves up one rank, the last one's old rank is deleted. */
  function retractWithRowNumber(buffer: Entry[], at: number, index: number, out: Collector<Change>): void {
    let rank = 0;
    let prev: Row | undefined;
    for (let i = 0; i < buffer.length && rank <= rankEnd; i++) {
      const entry = buffer[i] as Entry;
      if (i < at) {
        rank += entry.rows.length;
        continue;
      }
      for (let k = 0; k < entry.rows.length && rank <= rankEnd; k++) {
        const current = entry.rows[k] as Row;
        if (i === at && k < index) {
          rank += 1;
          continue;
        }
        if (i === at && k === index) prev = current;
        else {
          emit(out, "-U", prev as Row, rank);
          emit(out, "+U", current, rank);
          prev = current;
        }
        rank += 1;
      }
      // Past the retracted row's rank + N: nothing further changes (Flink's loop stops there too).
      if (i === at && prev === undefined) return;
    }
    if (rank <= rankEnd && prev) emit(out, "-D", prev, rank);
  }

  function retractWithoutRowNumber(buffer: Entry[], at: number, index: number, out: Collector<Change>): void {
    let nextRank = 1;
    let found = false;
    for (let i = 0; i < buffer.length && nextRank <= rankEnd; i++) {
      const entry = buffer[i] as Entry;
      if (i < at) nextRank += entry.rows.length;
      else if (i === at) {
        for (let k = 0; k < entry.rows.length && nextRank <= rankEnd; k++) {
          const prev = entry.rows[k] as Row;
          if (!found && k === index) {
            emit(out, "-D", prev, nextRank);
            nextRank -= 1;
            found = true;
          } else if (found && nextRank === rankEnd) emit(out, "+I", prev, nextRank);
          nextRank += 1;
        }
        if (!found) return;
      } else {
        const last = nextRank + entry.rows.length - 1;
        if (last < rankEnd) nextRank = last + 1;
        else {
          // The row moving up from rank N + 1 to N.
          out.collect({ kind: "+I", row: entry.rows[rankEnd - nextRank] as Row });
          break;
        }
      }
    }
  }

  return fn;
}

/** The first entry whose key is not before `key` (the list is sorted by `compare`). */
function lowerBound(buffer: Entry[], key: unknown[], compare: (a: unknown[], b: unknown[]) => number): number {
  let lo = 0;
  let hi = buffer.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare((buffer[mid] as Entry).key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
