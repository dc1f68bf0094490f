import type { Collector } from "../../api/functions.js";
import { normalizeKey, type NormalizedKey } from "../../graph/keys.js";
import type { Row } from "../connectors.js";
import type { JoinKey } from "./joinKey.js";

/**
 * One window_end's rows of both sides of a window join, every key's. A key is a slot (in order of its
 * first row of the window, either side, as per-key timers would have fired); a side's first row of a
 * slot sits in `first`, any further ones in `more`, so the usual key with one row a side (nexmark q8)
 * costs two array slots and a map entry, not a Map and a [rows, n] pair per key and side.
 */
export interface WindowPane {
  readonly slots: Map<NormalizedKey, number>;
  readonly keys: JoinKey[];
  readonly first: [(Row | undefined)[], (Row | undefined)[]];
  readonly more: [Map<number, Row[]>, Map<number, Row[]>];
}

/** Checkpoint: per window_end, each key with its left and right rows. JSON-friendly. */
export interface WindowPanesSnapshot {
  panes: [windowEnd: number, keys: [key: JoinKey, left: Row[], right: Row[]][]][];
}

/**
 * The panes of a window join by window_end (windowJoinOperator.ts's rows, windowGroupJoin.ts's groups):
 * found, fired in window order once the watermark reaches window_end - 1, checkpointed and restored.
 */
export class WindowPanes {
  private readonly panes = new Map<number, WindowPane>();
  /** The pane last asked for and its window_end: rows of one window in a row cost no Map lookup. */
  private lastPane: WindowPane | undefined;
  private lastEnd = Number.NaN;

  /** The pane of `end`, made empty at its first row. */
  pane(end: number): WindowPane {
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

  /** Takes out the panes whose window_end - 1 the watermark has reached, in window order. */
  due(watermark: number): [end: number, pane: WindowPane][] {
    const due: number[] = [];
    for (const end of this.panes.keys()) if (end - 1 <= watermark) due.push(end);
    if (due.length === 0) return [];
    due.sort((a, b) => a - b);
    this.lastPane = undefined;
    this.lastEnd = Number.NaN;
    return due.map((end) => {
      const pane = this.panes.get(end) as WindowPane;
      this.panes.delete(end);
      return [end, pane];
    });
  }

  snapshot(): WindowPanesSnapshot {
    return { panes: [...this.panes].map(([end, pane]) => [end, pane.keys.map((key, slot) => [key, rowsOf(pane, 0, slot) ?? [], rowsOf(pane, 1, slot) ?? []])]) };
  }

  /** Adds the keys `owns` (after rescaling, several old subtasks' checkpoints, one call each), their rows as they were. */
  restore(state: WindowPanesSnapshot, owns: (key: NormalizedKey) => boolean): void {
    for (const [end, keys] of state.panes)
      for (const [key, left, right] of keys) {
        if (!owns(normalizeKey(key))) continue;
        const pane = this.pane(end);
        const slot = slotOf(pane, key);
        for (const row of left) addRow(pane, 0, slot, row);
        for (const row of right) addRow(pane, 1, slot, row);
      }
  }
}

/** The slot of `key` in the pane, a new one at the key's first row. */
export function slotOf(pane: WindowPane, key: JoinKey): number {
  const norm = normalizeKey(key);
  let slot = pane.slots.get(norm);
  if (slot === undefined) {
    slot = pane.keys.length;
    pane.slots.set(norm, slot);
    pane.keys.push(key);
  }
  return slot;
}

/** Appends a row to a side's rows of a slot. */
export function addRow(pane: WindowPane, side: 0 | 1, slot: number, row: Row): void {
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

/** A side's rows of a slot in arrival order, a fresh array (a checkpoint's copy), or undefined for none. */
export function rowsOf(pane: WindowPane, side: 0 | 1, slot: number): Row[] | undefined {
  const first = pane.first[side][slot];
  if (first === undefined) return undefined;
  const more = pane.more[side].get(slot);
  return more === undefined ? [first] : [first, ...more];
}

/** An INNER join of a slot's rows (joinWindowRows's loop order) where they are, without an array of each side's rows (rowsOf). */
export function joinSlotInner(pane: WindowPane, slot: number, matches: (l: Row, r: Row) => boolean, concat: (l: Row, r: Row) => Row, out: Collector<Row>): void {
  const l0 = pane.first[0][slot];
  const r0 = pane.first[1][slot];
  if (l0 === undefined || r0 === undefined) return;
  const lm = pane.more[0].get(slot);
  const rm = pane.more[1].get(slot);
  const ln = lm === undefined ? 0 : lm.length;
  const rn = rm === undefined ? 0 : rm.length;
  for (let a = -1; a < ln; a++) {
    const l = a < 0 ? l0 : ((lm as Row[])[a] as Row);
    for (let b = -1; b < rn; b++) {
      const r = b < 0 ? r0 : ((rm as Row[])[b] as Row);
      if (matches(l, r)) out.collect(concat(l, r));
    }
  }
}
