import { MissingTimestampError } from "../../errors/errors.js";
import { messages } from "../../errors/messages.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../../graph/keys.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import { windowStart } from "../../windows/TimeWindow.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";

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

/** One window_end's groups of both sides, per join key slot (in order of the key's first row): a side's first group in `first`, others in `more`. */
interface Pane {
  readonly slots: Map<NormalizedKey, number>;
  readonly keys: JoinKey[];
  readonly first: [(Row | undefined)[], (Row | undefined)[]];
  readonly more: [Map<number, Row[]>, Map<number, Row[]>];
}

/** Checkpoint: per window_end, each join key with its left and right group rows (windowJoinOperator.ts's shape). JSON-friendly. */
export interface WindowGroupJoinSnapshot {
  panes: [windowEnd: number, keys: [key: JoinKey, left: Row[], right: Row[]][]][];
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
  private readonly panes = new Map<number, Pane>();
  private key: unknown;
  /** The window the last row fell in (a HOP's latest): its start on the slide grid, so rows of it cost no `%` on a double. */
  private lastStart = Number.NaN;
  /** The pane of the last row and its window_end: one Map lookup fewer per row of the same window. */
  private lastPane: Pane | undefined;
  private lastEnd = Number.NaN;
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
    if (Number.isNaN(timestamp)) {
      const where = { job: this.ctx.jobName, operator: this.ctx.operatorName, subtask: this.ctx.subtask, key, record: row };
      throw new MissingTimestampError(messages.missingTimestamp(where), where);
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
    const pane = this.pane(end);
    const slot = this.slot(pane, key);
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

  private pane(end: number): Pane {
    if (end === this.lastEnd && this.lastPane !== undefined) return this.lastPane;
    let pane = this.panes.get(end);
    if (pane === undefined) {
      pane = { slots: new Map(), keys: [], first: [[], []], more: [new Map(), new Map()] };
      this.panes.set(end, pane);
    }
    this.lastEnd = end;
    this.lastPane = pane;
    return pane;
  }

  private slot(pane: Pane, key: JoinKey): number {
    const norm = normalizeKey(key);
    let slot = pane.slots.get(norm);
    if (slot === undefined) {
      slot = pane.keys.length;
      pane.slots.set(norm, slot);
      pane.keys.push(key);
    }
    return slot;
  }

  onInputWatermark(input: number, watermark: number): void {
    this.inputWatermarks[input] = watermark;
  }

  onWatermark(watermark: number): void {
    const due: number[] = [];
    for (const end of this.panes.keys()) if (end - 1 <= watermark) due.push(end);
    if (due.length === 0) return;
    due.sort((a, b) => a - b);
    this.lastPane = undefined;
    this.lastEnd = Number.NaN;
    for (const end of due) {
      const pane = this.panes.get(end) as Pane;
      this.panes.delete(end);
      this.fire(end, pane);
    }
  }

  /** The window join's rows of a pane: each key's left groups with its right ones that ON accepts, at window_end - 1. */
  private fire(windowEnd: number, pane: Pane): void {
    const timestamp = windowEnd - 1;
    const { keys, first, more } = pane;
    const { matches, concat } = this.spec;
    const output = this.ctx.output;
    forEachRecord(
      keys.length,
      (slot) => {
        const l0 = first[0][slot];
        const r0 = first[1][slot];
        if (l0 === undefined || r0 === undefined) return;
        const lm = more[0].get(slot);
        const rm = more[1].get(slot);
        const ln = lm === undefined ? 0 : lm.length;
        const rn = rm === undefined ? 0 : rm.length;
        for (let a = -1; a < ln; a++) {
          const l = a < 0 ? l0 : ((lm as Row[])[a] as Row);
          for (let b = -1; b < rn; b++) {
            const r = b < 0 ? r0 : ((rm as Row[])[b] as Row);
            if (matches(l, r)) output.emit(concat(l, r), timestamp);
          }
        }
      },
      (slot, cause) => this.ctx.userError(cause, { window_end: windowEnd }, timestamp, keys[slot]),
    );
  }

  snapshotState(): WindowGroupJoinSnapshot {
    return { panes: [...this.panes].map(([end, pane]) => [end, pane.keys.map((key, slot) => [key, groupsOf(pane, 0, slot), groupsOf(pane, 1, slot)])]) };
  }

  /** Adds the keys this subtask owns (after rescaling, several old subtasks' checkpoints, one call each). */
  restoreState(state: unknown): void {
    const owns = ownsKey(this.ctx);
    for (const [end, keys] of (state as WindowGroupJoinSnapshot).panes)
      for (const [key, left, right] of keys) {
        if (!owns(normalizeKey(key))) continue;
        const pane = this.pane(end);
        const slot = this.slot(pane, key);
        for (const [side, rows] of [left, right].entries())
          for (const row of rows) {
            const first = pane.first[side as 0 | 1];
            if (first[slot] === undefined) first[slot] = row;
            else {
              const more = pane.more[side as 0 | 1];
              const kept = more.get(slot);
              if (kept === undefined) more.set(slot, [row]);
              else kept.push(row);
            }
          }
      }
  }
}

/** A side's group rows of a slot (a checkpoint's copy). */
function groupsOf(pane: Pane, side: 0 | 1, slot: number): Row[] {
  const first = pane.first[side][slot];
  if (first === undefined) return [];
  const more = pane.more[side].get(slot);
  return more === undefined ? [first] : [first, ...more];
}
