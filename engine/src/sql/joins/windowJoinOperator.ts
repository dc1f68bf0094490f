import type { Collector } from "../../api/functions.js";
import { ownsKey } from "../../graph/keys.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";
import { joinWindowRows, type WindowJoinSpec } from "./windowJoin.js";
import { addRow, joinSlotInner, rowsOf, slotOf, type WindowPane, WindowPanes, type WindowPanesSnapshot } from "./windowPanes.js";

/**
 * Flink SQL's window join (WindowJoinOperator) for windows that are the same for every key (TUMBLE, HOP,
 * CUMULATE): rows are held in one pane per window_end, keyed inside it by the equality keys of ON other
 * than the window's; when the watermark reaches window_end - 1 the pane's keys are joined (windowJoin.ts's
 * `joinWindowRows`, Flink's loop order) and the pane dropped whole. No keyed state and no timer per key:
 * as a keyed co-process function, each window's keys grew and emptied a MapState table, a Map per key and
 * a timer each (nexmark q8's young-generation GC). A row whose window has fired is late and dropped, as
 * Flink drops it (counted in lateRecordsDropped).
 */
export class WindowJoinOperator implements Operator<Row> {
  private readonly panes = new WindowPanes();
  private readonly windowEnds: [number, number];
  private key: unknown;

  constructor(
    private readonly spec: WindowJoinSpec,
    private readonly keySelectors: readonly [(row: Row) => JoinKey, (row: Row) => JoinKey],
    private readonly ctx: OperatorContext<Row>,
  ) {
    this.windowEnds = [spec.leftWindowEnd, spec.rightWindowEnd];
  }

  processBatch(batch: RecordBatch<Row>, input: number): void {
    const { values, timestamps } = batch;
    const keyOf = this.keySelectors[input as 0 | 1];
    const endIndex = this.windowEnds[input as 0 | 1];
    forEachRecord(
      values.length,
      (i) => {
        const row = values[i]!;
        this.key = undefined;
        const key = keyOf(row);
        this.key = key;
        this.add(input as 0 | 1, row, key, row[endIndex] as number);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!, this.key),
    );
  }

  private add(side: 0 | 1, row: Row, key: JoinKey, windowEnd: number): void {
    // Flink's isWindowFired: the window's last millisecond is at or behind the watermark.
    if (windowEnd - 1 <= this.ctx.currentWatermark()) {
      this.ctx.counters.lateRecordsDropped++;
      return;
    }
    const pane = this.panes.pane(windowEnd);
    addRow(pane, side, slotOf(pane, key), row);
  }

  onWatermark(watermark: number): void {
    for (const [end, pane] of this.panes.due(watermark)) this.fire(end, pane);
  }

  private fire(windowEnd: number, pane: WindowPane): void {
    const timestamp = windowEnd - 1;
    const out: Collector<Row> = { collect: (row) => this.ctx.output.emit(row, timestamp) };
    const { keys } = pane;
    const { matches, concat = (l: Row, r: Row): Row => [...l, ...r] } = this.spec;
    const inner = this.spec.joinType === "inner";
    forEachRecord(
      keys.length,
      (slot) => (inner ? joinSlotInner(pane, slot, matches, concat, out) : joinWindowRows(this.spec, rowsOf(pane, 0, slot), rowsOf(pane, 1, slot), out)),
      (slot, cause) => this.ctx.userError(cause, { window_end: windowEnd }, timestamp, keys[slot]),
    );
  }

  snapshotState(): WindowPanesSnapshot {
    return this.panes.snapshot();
  }

  /** Adds the keys this subtask owns (after rescaling, several old subtasks' checkpoints, one call each). */
  restoreState(state: unknown): void {
    this.panes.restore(state as WindowPanesSnapshot, ownsKey(this.ctx));
  }
}
