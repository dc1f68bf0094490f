import type { Collector } from "../../api/functions.js";
import { ownsKey } from "../../graph/keys.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import { windowStart } from "../../windows/TimeWindow.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";
import { joinSlotInner, slotOf, type WindowPane, WindowPanes, type WindowPanesSnapshot } from "./windowPanes.js";
import { missingTimestamp, noTime } from "../../operators/missingTimestamp.js";

/** One input of the fused operator: a window aggregate's input rows, grouped without aggregate functions. */
export interface GroupSide {
  /** An input row's join key: the group columns ON equates with the other side's (null: a NULL, never joins). */
  key: (r: Row) => JoinKey;
  /** The window aggregate's row of the group of input row `r` in the window [start, end). */
  groupRow: (r: Row, start: number, end: number) => Row;
  /** Input row `r` is of the group whose row is `group` (its group columns equal; the window is the pane's). */
  sameGroup: (r: Row, group: Row) => boolean;
}

export interface WindowGroupJoinSpec {
  /** The windows of both sides (the same TUMBLE or HOP). */
  size: number;
  slide: number;
  offset: number;
  sides: readonly [GroupSide, GroupSide];
  /** ON over a left and a right group row (windowJoin.ts `pairPredicate`), and their joined row. */
  matches: (left: Row, right: Row) => boolean;
  concat: (left: Row, right: Row) => Row;
}

/**
 * Sluice's fusion of Flink's plan `WindowAggregate → WindowJoin ← WindowAggregate` where both window
 * aggregates have no aggregate function (nexmark q8: `GROUP BY id, name, window_start, window_end` of
 * people, `GROUP BY seller, …` of auctions) and the inner join's keys are their group columns. A window
 * aggregate then only says which groups each window has; its rows wait in the join's pane until the same
 * watermark fires both. Here the input rows go straight into the join's pane for their window (per join
 * key, each side's distinct groups, made into the aggregate's row at a group's first row), and the
 * watermark joins and drops the pane: the join's rows, without the aggregates' rows, their exchange and
 * the aggregates' per-key state and JSON group keys.
 *
 * As the window aggregate, a row whose windows have all fired by its own input's watermark (not the
 * combined one: the other side's may lag) is late and dropped (lateRecordsDropped);
 * as the inner window join, a key with a NULL never joins, and a window with one side's groups only
 * gives nothing.
 */
export class WindowGroupJoinOperator implements Operator<Row> {
  /** Per window_end, each join key's distinct groups of both sides (windowPanes.ts, as the window join keeps its rows). */
  private readonly panes = new WindowPanes();
  private key: unknown;
  /** The window the last row fell in (a HOP's latest): its start on the slide grid, so rows of it cost no `%` on a double. */
  private lastStart = Number.NaN;
  /** Each input's own watermark: a side's window aggregate judged its rows late by its input's alone (onInputWatermark). */
  private readonly inputWatermarks = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];

  constructor(
    private readonly spec: WindowGroupJoinSpec,
    private readonly ctx: OperatorContext<Row>,
  ) {}

  processBatch(batch: RecordBatch<Row>, input: number): void {
    const { values, timestamps } = batch;
    const side = input as 0 | 1;
    forEachRecord(
      values.length,
      (i) => this.processRow(side, values[i] as Row, timestamps[i] as number),
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i] as number, this.key),
    );
  }

  private processRow(side: 0 | 1, row: Row, timestamp: number): void {
    this.key = undefined;
    const key = this.spec.sides[side].key(row);
    this.key = key;
    if (noTime(timestamp)) {
      throw missingTimestamp(this.ctx, key, row);
    }
    const { size, slide, offset } = this.spec;
    // The combined watermark is the larger after a restore (the checkpoint keeps that one only).
    const watermark = Math.max(this.inputWatermarks[side] as number, this.ctx.currentWatermark());
    const last = this.lastStart;
    const first = timestamp >= last && timestamp < last + slide ? last : (this.lastStart = windowStart(timestamp, offset, slide));
    let skipped = true;
    // The window aggregate's windows of the row, latest first (a TUMBLE's one).
    for (let start = first; start > timestamp - size; start -= slide) {
      const end = start + size;
      if (end - 1 <= watermark) continue; // the window fired: late for it
      skipped = false;
      // A NULL key never joins (an inner join): its groups are not kept.
      if (key !== null) this.add(side, row, key, start, end);
    }
    if (skipped) this.ctx.counters.lateRecordsDropped++;
  }

  private add(side: 0 | 1, row: Row, key: JoinKey, start: number, end: number): void {
    const pane = this.panes.pane(end);
    const slot = slotOf(pane, key);
    const first = pane.first[side];
    const group = first[slot];
    const { sameGroup, groupRow } = this.spec.sides[side];
    if (group === undefined) {
      first[slot] = groupRow(row, start, end);
      return;
    }
    if (sameGroup(row, group)) return;
    const more = pane.more[side];
    const rows = more.get(slot);
    if (rows === undefined) more.set(slot, [groupRow(row, start, end)]);
    else {
      for (let i = 0; i < rows.length; i++) if (sameGroup(row, rows[i] as Row)) return;
      rows.push(groupRow(row, start, end));
    }
  }

  onInputWatermark(input: number, watermark: number): void {
    this.inputWatermarks[input] = watermark;
  }

  onWatermark(watermark: number): void {
    for (const [end, pane] of this.panes.due(watermark)) this.fire(end, pane);
  }

  /** The window join's rows of a pane: each key's left groups with its right ones that ON accepts, at window_end - 1. */
  private fire(windowEnd: number, pane: WindowPane): void {
    const timestamp = windowEnd - 1;
    const { keys } = pane;
    const { matches, concat } = this.spec;
    const output = this.ctx.output;
    const out: Collector<Row> = { collect: (row) => output.emit(row, timestamp) };
    forEachRecord(
      keys.length,
      (slot) => joinSlotInner(pane, slot, matches, concat, out),
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
