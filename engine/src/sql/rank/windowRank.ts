import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import type { ListState } from "../../state/State.js";
import type { Row } from "../connectors.js";

/**
 * Flink's window Top-N and window deduplication (WindowRankOperator, WindowDeduplicateOperator),
 * keyed by the partition, which holds window_start and window_end: a window's rows wait in keyed
 * state until the watermark passes the window's end, then its top `rankEnd` rows go out at once,
 * append-only, each with its rank appended. A row for a window that already fired is dropped, as
 * Flink drops it. Ties keep their arrival order; deduplication keeping the last row (`keepLast`,
 * ORDER BY the rowtime DESC) takes the last of equal times, as Flink's does.
 */
export function windowRank(
  windowEndOf: (r: Row) => number,
  compare: (a: Row, b: Row) => number,
  rankEnd: number,
  keepLast: boolean,
): KeyedProcessFunction<unknown, Row, Row> & { rows?: ListState<Row> } {
  return {
    open(rc) {
      this.rows = rc.getListState<Row>("window-rows");
    },
    processElement(row, ctx) {
      const fires = windowEndOf(row) - 1;
      if (fires <= ctx.timerService.currentWatermark()) return;
      const rows = this.rows as ListState<Row>;
      if (rows.get().length === 0) ctx.timerService.registerEventTimeTimer(fires);
      rows.add(row);
    },
    onTimer(_ts, _ctx, out) {
      const state = this.rows as ListState<Row>;
      const rows = [...state.get()];
      state.clear();
      if (keepLast) {
        // The last of the best: a later row of an equal time replaces the kept one.
        let kept = rows[0] as Row;
        for (const r of rows.slice(1)) if (compare(r, kept) <= 0) kept = r;
        out.collect([...kept, 1]);
        return;
      }
      // Array.prototype.sort is stable: ties stay in arrival order.
      rows.sort(compare);
      rows.slice(0, rankEnd).forEach((r, i) => {
        out.collect([...r, i + 1]);
      });
    },
  };
}
