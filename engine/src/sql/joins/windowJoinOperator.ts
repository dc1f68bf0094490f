import type { Collector } from "../../api/functions.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../../graph/keys.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";
import { joinWindowRows, type WindowJoinSpec } from "./windowJoin.js";

/**
 * One window_end's rows of both sides, every key's. A key is a slot (in order of its first row of the
 * window, either side, as per-key timers would have fired); a side's first row of a slot sits in
 * `first`, any further ones in `more`, so the usual key with one row a side (nexmark q8) costs two array
 * slots and a map entry, not a Map and a [rows, n] pair per key and side.
 */
interface Pane {
  readonly slots: Map<NormalizedKey, number>;
  readonly keys: JoinKey[];
  readonly first: [(Row | undefined)[], (Row | undefined)[]];
  readonly more: [Map<number, Row[]>, Map<number, Row[]>];
}

/** Checkpoint: per window_end, each key with its left and right rows. JSON-friendly. */
export interface WindowJoinSnapshot {
  panes: [windowEnd: number, keys: [key: JoinKey, left: Row[], right: Row[]][]][];
}

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
  private readonly panes = new Map<number, Pane>();
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
    this.put(side, row, key, windowEnd);
  }

  private put(side: 0 | 1, row: Row, key: JoinKey, windowEnd: number): void {
    let pane = this.panes.get(windowEnd);
    if (pane === undefined) {
      pane = { slots: new Map(), keys: [], first: [[], []], more: [new Map(), new Map()] };
      this.panes.set(windowEnd, pane);
    }
    const norm = normalizeKey(key);
    let slot = pane.slots.get(norm);
    if (slot === undefined) {
      slot = pane.keys.length;
      pane.slots.set(norm, slot);
      pane.keys.push(key);
    }
    const first = pane.first[side];
    if (first[slot] === undefined) {
      first[slot] = row;
      return;
    }
    const more = pane.more[side];
    const rows = more.get(slot);
    if (rows === undefined) more.set(slot, [row]);
    else rows.push(row);
  }

  onWatermark(watermark: number): void {
    const due: number[] = [];
    for (const end of this.panes.keys()) if (end - 1 <= watermark) due.push(end);
    due.sort((a, b) => a - b);
    for (const end of due) {
      const pane = this.panes.get(end)!;
      this.panes.delete(end);
      this.fire(end, pane);
    }
  }

  private fire(windowEnd: number, pane: Pane): void {
    const timestamp = windowEnd - 1;
    const out: Collector<Row> = { collect: (row) => this.ctx.output.emit(row, timestamp) };
    const { keys } = pane;
    const inner = this.spec.joinType === "inner";
    forEachRecord(
      keys.length,
      (slot) => (inner ? this.joinInner(pane, slot, out) : joinWindowRows(this.spec, rowsOf(pane, 0, slot), rowsOf(pane, 1, slot), out)),
      (slot, cause) => this.ctx.userError(cause, { window_end: windowEnd }, timestamp, keys[slot]),
    );
  }

  /** joinWindowRows's INNER loop over a slot's rows where they are, without an array of each side's rows per key (rowsOf). */
  private joinInner(pane: Pane, slot: number, out: Collector<Row>): void {
    const l0 = pane.first[0][slot];
    const r0 = pane.first[1][slot];
    if (l0 === undefined || r0 === undefined) return;
    const lm = pane.more[0].get(slot);
    const rm = pane.more[1].get(slot);
    const ln = lm === undefined ? 0 : lm.length;
    const rn = rm === undefined ? 0 : rm.length;
    const { matches } = this.spec;
    const concat = this.spec.concat ?? ((l: Row, r: Row): Row => [...l, ...r]);
    for (let a = -1; a < ln; a++) {
      const l = a < 0 ? l0 : (lm as Row[])[a]!;
      for (let b = -1; b < rn; b++) {
        const r = b < 0 ? r0 : (rm as Row[])[b]!;
        if (matches(l, r)) out.collect(concat(l, r));
      }
    }
  }

  snapshotState(): WindowJoinSnapshot {
    return {
      panes: [...this.panes].map(([end, pane]) => [end, pane.keys.map((key, slot) => [key, rowsOf(pane, 0, slot) ?? [], rowsOf(pane, 1, slot) ?? []])]),
    };
  }

  /** Adds the keys this subtask owns (after rescaling, several old subtasks' checkpoints, one call each). */
  restoreState(state: unknown): void {
    const owns = ownsKey(this.ctx);
    for (const [end, keys] of (state as WindowJoinSnapshot).panes)
      for (const [key, left, right] of keys) {
        if (!owns(normalizeKey(key))) continue;
        for (const row of left) this.put(0, row, key, end);
        for (const row of right) this.put(1, row, key, end);
      }
  }
}

/** A side's rows of a slot in arrival order, a fresh array (a checkpoint's copy), or undefined for none. */
function rowsOf(pane: Pane, side: 0 | 1, slot: number): Row[] | undefined {
  const first = pane.first[side][slot];
  if (first === undefined) return undefined;
  const more = pane.more[side].get(slot);
  return more === undefined ? [first] : [first, ...more];
}
