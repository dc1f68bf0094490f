import type { Collector } from "../../api/functions.js";
import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import type { ValueState } from "../../state/State.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";

/** Rows of one sort key, in arrival order (Flink's TopNBuffer entry). */
interface Entry {
  key: unknown[];
  rows: Row[];
}

/**
 * Compares sort keys as Flink's: per column ascending or descending; NULL where NULLS FIRST/LAST puts
 * it, else lowest (first ascending, last descending), Flink's default null collation.
 */
export function sortKeyComparator(keys: readonly { desc: boolean; nullsFirst?: boolean }[]): (a: unknown[], b: unknown[]) => number {
  return (a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const [x, y] = [a[i], b[i]];
      if (x === y) continue;
      const { desc, nullsFirst } = keys[i] as { desc: boolean; nullsFirst?: boolean };
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull && yNull) continue;
      if (xNull || yNull) {
        const first = nullsFirst ?? !desc;
        return xNull === first ? -1 : 1;
      }
      const c = (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}

/** Rows equal field by field (a ROW value, an array, by its fields), as Flink's record equaliser: a retraction finds the row it retracts. */
export const sameRow = (a: Row, b: Row): boolean => a.length === b.length && a.every((v, i) => v === b[i] || (Array.isArray(v) && Array.isArray(b[i]) && sameRow(v, b[i] as Row)));

/**
 * Flink's AppendOnlyTopNFunction over an insert-only input, per partition key: the rows of the
 * best sort keys in keyed state (sorted entries, ties in arrival order), and the changes Flink
 * sends. With the rank number shown, a row entering the top N shifts the ones after it: per rank a
 * -U of the row that held it and a +U of the row that holds it now, and a +I at the end if the top
 * N was not full. Without it, a +I of the new row and a -D of the row that fell out (or nothing if
 * the new row is itself that row). Output rows are the input row, plus its rank when shown. A rank
 * range starting after 1 (`rownum > 1 AND …`, LIMIT … OFFSET) takes the first way, as Flink's does.
 */
/** Flink's collect*(out, row, rank): only ranks in [rankStart, rankEnd] go out, with the rank if shown. */
export function rankEmitter(rankStart: number, rankEnd: number, outputRankNumber: boolean): (out: Collector<Change>, kind: Change["kind"], row: Row, rank: number) => void {
  return (out, kind, row, rank) => {
    if (rank >= rankStart && rank <= rankEnd) out.collect({ kind, row: outputRankNumber ? [...row, rank] : row });
  };
}

export function appendOnlyTopN(
  sortKeyOf: (r: Row) => unknown[],
  compare: (a: unknown[], b: unknown[]) => number,
  rankEnd: number,
  outputRankNumber: boolean,
  rankStart = 1,
): KeyedProcessFunction<unknown, Row, Change> {
  const emit = rankEmitter(rankStart, rankEnd, outputRankNumber);
  const fn: KeyedProcessFunction<unknown, Row, Change> & { buffer?: ValueState<Entry[]> } = {
    open(rc) {
      this.buffer = rc.getState<Entry[]>("topn");
    },
    processElement(row, _ctx, out) {
      const state = this.buffer as ValueState<Entry[]>;
      let buffer = state.value() ?? [];
      const key = sortKeyOf(row);
      const size = buffer.reduce((n, e) => n + e.rows.length, 0);
      const worst = buffer[buffer.length - 1];
      // Flink's checkSortKeyInBufferRange: better than the worst key, or room left.
      if (worst && compare(key, worst.key) >= 0 && size >= rankEnd) return;
      const at = buffer.findIndex((e) => compare(key, e.key) <= 0);
      // New arrays throughout: a checkpoint may hold the old ones.
      if (at >= 0 && compare(key, (buffer[at] as Entry).key) === 0) buffer = buffer.map((e, i) => (i === at ? { key: e.key, rows: [...e.rows, row] } : e));
      else buffer = at < 0 ? [...buffer, { key, rows: [row] }] : [...buffer.slice(0, at), { key, rows: [row] }, ...buffer.slice(at)];
      state.update(outputRankNumber || rankStart > 1 ? withRowNumber(buffer, key, row, out) : withoutRowNumber(buffer, row, out));
    },
  };

  function withRowNumber(buffer: Entry[], key: unknown[], input: Row, out: Collector<Change>): Entry[] {
    let rank = 0;
    let found = false;
    let current: Row = input;
    let i = 0;
    while (i < buffer.length && rank <= rankEnd) {
      const entry = buffer[i++] as Entry;
      if (!found && compare(entry.key, key) === 0) {
        rank += entry.rows.length;
        current = input;
        found = true;
      } else if (found) {
        for (let k = 0; k < entry.rows.length && rank <= rankEnd; k++) {
          const prev = entry.rows[k] as Row;
          emit(out, "-U", prev, rank);
          emit(out, "+U", current, rank);
          current = prev;
          rank += 1;
        }
      } else rank += entry.rows.length;
    }
    if (rank <= rankEnd) emit(out, "+I", current, rank);
    // Entries past the last one visited are out of the top N.
    return buffer.slice(0, i);
  }

  function withoutRowNumber(buffer: Entry[], input: Row, out: Collector<Change>): Entry[] {
    const size = buffer.reduce((n, e) => n + e.rows.length, 0);
    if (size > rankEnd) {
      const last = buffer[buffer.length - 1] as Entry;
      const lastRow = last.rows[last.rows.length - 1] as Row;
      const next = last.rows.length <= 1 ? buffer.slice(0, -1) : [...buffer.slice(0, -1), { key: last.key, rows: last.rows.slice(0, -1) }];
      if (!sameRow(input, lastRow)) {
        out.collect({ kind: "-D", row: lastRow });
        out.collect({ kind: "+I", row: input });
      }
      return next;
    }
    out.collect({ kind: "+I", row: input });
    return buffer;
  }

  return fn;
}

/**
 * One row per partition key, replaced when `replaces(row, kept)`: +I for the first row, -U old / +U
 * new for a replacement. Flink's RowTimeDeduplicateFunction (keep-first replaces by a row of an
 * earlier time, keep-last by one of the same or a later time; not held for the watermark) and its
 * FastTop1Function (Top-1 without the rank shown: replaced by a strictly better sort key).
 */
export function keepOne(replaces: (row: Row, kept: Row) => boolean): KeyedProcessFunction<unknown, Row, Change> {
  const fn: KeyedProcessFunction<unknown, Row, Change> & { kept?: ValueState<Row> } = {
    open(rc) {
      this.kept = rc.getState<Row>("kept");
    },
    processElement(row, _ctx, out) {
      const state = this.kept as ValueState<Row>;
      const prev = state.value();
      if (prev === undefined) out.collect({ kind: "+I", row });
      else if (replaces(row, prev)) {
        out.collect({ kind: "-U", row: prev });
        out.collect({ kind: "+U", row });
      } else return;
      state.update(row);
    },
  };
  return fn;
}
