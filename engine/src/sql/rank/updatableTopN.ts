import type { Collector } from "../../api/functions.js";
import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import { SluiceError } from "../../errors/errors.js";
import type { ValueState } from "../../state/State.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import { rankEmitter } from "./rankFunctions.js";

/** The held rows of one sort key, in the order they took it (Flink's TopNBuffer entry of row keys). */
interface Entry {
  key: unknown[];
  rows: Row[];
}

/**
 * Flink's UpdatableTopNFunction: Top-N over an updating input whose unique key holds the partition
 * key and whose sort key only moves up (a running COUNT ordered DESC), per partition key. Unlike
 * RetractableTopN it holds only the top N rows (and ties of the last sort key held), not the whole
 * partition, and reads only the input's inserts and update-afters (Flink asks its input for
 * ONLY_UPDATE_AFTER, so the -U rows Sluice's aggregate sends are skipped): a row is found again by
 * its unique key. A row moving up sends -U/+U for each rank it passes (the rank shown) or one -U/+U
 * pair of itself (not shown); a new row, the append-only Top-N's changes. The changes and their order
 * follow Flink 1.20.1's function (its emit procedures, mirrored below), so changelogs compare change
 * by change. The state is the buffer itself, in keyed state, so a savepoint restores it as it was.
 */
export function updatableTopN(
  sortKeyOf: (r: Row) => unknown[],
  compare: (a: unknown[], b: unknown[]) => number,
  rowKeyOf: (r: Row) => string,
  rankStart: number,
  rankEnd: number,
  outputRankNumber: boolean,
): KeyedProcessFunction<unknown, Change, Change> {
  const emit = rankEmitter(rankStart, rankEnd, outputRankNumber);
  const fn: KeyedProcessFunction<unknown, Change, Change> & { state?: ValueState<Entry[]> } = {
    open(rc) {
      this.state = rc.getState<Entry[]>("updatable-topn");
    },
    processElement(change, ctx, out) {
      if (change.kind === "-U") return;
      if (change.kind === "-D")
        throw new SluiceError("UpdatableTopN got a deletion, but the planner chose it for an input without deletions", {
          operator: "UpdatableTopN",
          key: ctx.getCurrentKey(),
          record: change.row,
        });
      const state = this.state as ValueState<Entry[]>;
      // Copies of the entries it changes: a checkpoint may hold the old arrays.
      const buffer = (state.value() ?? []).map((e) => ({ key: e.key, rows: e.rows.slice() }));
      if (outputRankNumber || rankStart > 1) withRowNumber(buffer, change.row, out);
      else withoutRowNumber(buffer, change.row, out);
      state.update(buffer);
    },
  };

  /** The entry and position of the row with `rowKey`, if held. */
  function locate(buffer: Entry[], rowKey: string): { at: number; index: number } | undefined {
    for (let at = 0; at < buffer.length; at++) {
      const index = (buffer[at] as Entry).rows.findIndex((r) => rowKeyOf(r) === rowKey);
      if (index >= 0) return { at, index };
    }
    return undefined;
  }

  /** Flink's TopNBuffer.put: the row goes last among its sort key's rows. */
  function put(buffer: Entry[], key: unknown[], row: Row): void {
    let at = 0;
    while (at < buffer.length && compare((buffer[at] as Entry).key, key) < 0) at++;
    const entry = buffer[at];
    if (entry && compare(entry.key, key) === 0) entry.rows.push(row);
    else buffer.splice(at, 0, { key, rows: [row] });
  }

  function remove(buffer: Entry[], at: number, index: number): void {
    const entry = buffer[at] as Entry;
    entry.rows.splice(index, 1);
    if (entry.rows.length === 0) buffer.splice(at, 1);
  }

  /** The 1-based rank of the row at (at, index). */
  function rankOf(buffer: Entry[], at: number, index: number): number {
    let rank = index + 1;
    for (let i = 0; i < at; i++) rank += (buffer[i] as Entry).rows.length;
    return rank;
  }

  /** Flink's checkSortKeyInBufferRange: better than the worst sort key held, or fewer than N rows held. */
  function fits(buffer: Entry[], key: unknown[]): boolean {
    const worst = buffer[buffer.length - 1];
    if (!worst || compare(key, worst.key) < 0) return true;
    return buffer.reduce((n, e) => n + e.rows.length, 0) < rankEnd;
  }

  function withRowNumber(buffer: Entry[], input: Row, out: Collector<Change>): void {
    const key = sortKeyOf(input);
    const rowKey = rowKeyOf(input);
    const held = locate(buffer, rowKey);
    if (!held) {
      if (!fits(buffer, key)) return;
      put(buffer, key, input);
      shift(buffer, key, input, out, undefined);
      return;
    }
    const entry = buffer[held.at] as Entry;
    const oldRow = entry.rows[held.index] as Row;
    const oldKey = entry.key;
    const oldRank = rankOf(buffer, held.at, held.index);
    const c = compare(key, oldKey);
    if (c === 0) {
      // Same sort key, same rank: the row's other columns changed.
      entry.rows[held.index] = input;
      emit(out, "-U", oldRow, oldRank);
      emit(out, "+U", input, oldRank);
      return;
    }
    remove(buffer, held.at, held.index);
    put(buffer, key, input);
    if (c < 0) shift(buffer, key, input, out, { key: oldKey, row: oldRow, rank: oldRank });
    else {
      // The sort key went down, against the monotonicity the plan relied on: Flink's lenient path (it logs a warning).
      const now = locate(buffer, rowKey) as { at: number; index: number };
      moveDown(buffer, input, rankOf(buffer, now.at, now.index), oldRow, oldRank, out);
    }
  }

  /**
   * Flink's emitRecordsWithRowNumber: the rows after the new or moved row's place move down one rank
   * (up to its old rank when it moved, to N when new), a -U/+U pair per rank; rows pushed past N
   * leave the buffer.
   */
  function shift(buffer: Entry[], key: unknown[], input: Row, out: Collector<Change>, old: { key: unknown[]; row: Row; rank: number } | undefined): void {
    let rank = 0;
    let current = input;
    let found = false;
    let oldRetracted = false;
    let next = 0;
    const step = (prev: Row): void => {
      emit(out, "-U", prev, rank);
      // The moved row's own -U goes out before its +U at the new rank (the sink keys by the unique key).
      if (current === input && old && !oldRetracted) {
        emit(out, "-U", old.row, old.rank);
        oldRetracted = true;
      }
      emit(out, "+U", current, rank);
      current = prev;
      rank += 1;
    };
    while (next < buffer.length && rank <= rankEnd) {
      const entry = buffer[next++] as Entry;
      if (!found && compare(entry.key, key) === 0) {
        rank += entry.rows.length;
        found = true;
      } else if (!found) rank += entry.rows.length;
      else if (!old) for (let k = 0; k < entry.rows.length && rank <= rankEnd; k++) step(entry.rows[k] as Row);
      else if (compare(entry.key, old.key) <= 0) for (let k = 0; k < entry.rows.length && rank < old.rank; k++) step(entry.rows[k] as Row);
      else break;
    }
    if (rank <= rankEnd) {
      if (!old) emit(out, "+I", current, rank);
      else {
        if (!oldRetracted) emit(out, "-U", old.row, old.rank);
        emit(out, "+U", current, rank);
      }
      return;
    }
    buffer.splice(next);
  }

  /**
   * Flink's emitRecordsWithRowNumberIgnoreStateError: the row moved down from `oldRank` to `newRank`. Flink's
   * loop goes on to the end of the entry after the new rank and retracts the moved row at ranks it never held
   * (a changelog that no longer folds); this one stops at the new rank.
   */
  function moveDown(buffer: Entry[], input: Row, newRank: number, oldRow: Row, oldRank: number, out: Collector<Change>): void {
    let rank = 0;
    let prev: Row | undefined;
    for (let i = 0; i < buffer.length && rank < newRank; i++) {
      for (const row of (buffer[i] as Entry).rows) {
        rank += 1;
        if (rank === oldRank) emit(out, "-U", oldRow, oldRank);
        else if (rank > oldRank) {
          emit(out, "-U", prev as Row, rank);
          emit(out, "+U", prev as Row, rank - 1);
          if (rank === newRank) emit(out, "+U", input, rank);
        }
        prev = row;
        if (rank === newRank) break;
      }
    }
  }

  /** Without the rank: a held row updated is one -U/+U pair; a new one a +I, after a -D of the row it pushes out. */
  function withoutRowNumber(buffer: Entry[], input: Row, out: Collector<Change>): void {
    const key = sortKeyOf(input);
    const held = locate(buffer, rowKeyOf(input));
    if (held) {
      const entry = buffer[held.at] as Entry;
      const oldRow = entry.rows[held.index] as Row;
      if (compare(entry.key, key) === 0) entry.rows[held.index] = input;
      else {
        remove(buffer, held.at, held.index);
        put(buffer, key, input);
      }
      out.collect({ kind: "-U", row: oldRow });
      out.collect({ kind: "+U", row: input });
      return;
    }
    if (!fits(buffer, key)) return;
    put(buffer, key, input);
    if (buffer.reduce((n, e) => n + e.rows.length, 0) > rankEnd) {
      const last = buffer[buffer.length - 1] as Entry;
      const gone = last.rows.pop() as Row;
      if (last.rows.length === 0) buffer.pop();
      out.collect({ kind: "-D", row: gone });
    }
    out.collect({ kind: "+I", row: input });
  }

  return fn;
}
