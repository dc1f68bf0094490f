import { SlotIndex } from "../../collections/slotIndex.js";
import type { JoinKey } from "./joinKey.js";
import { grown } from "./typedGrowth.js";

const EMPTY = -1;
const RECENT_MASK = 255;
/** Slots made room for up front, in the index and in the per-slot arrays. */
const INITIAL_SLOTS = 1024;

/**
 * A join's keys → dense slot numbers (0, 1, … in the order keys first came), and per slot where both
 * sides' rows start and end in their arenas (rowArena.ts; -1: none yet), in typed arrays. A join that
 * keeps every row (joinGroupAggregate.ts) held a Map entry and a slot object per key: nexmark q4's
 * ~120 000 auction ids at 2 M events, each promoted out of the young generation by a scavenge and then
 * marked by every major GC. The slot numbers come from the SlotIndex the window phase uses too
 * (collections/slotIndex.ts: 32-bit integer keys in typed arrays, any other key in a Map); this table
 * adds the per-slot arrays, the keys in slot order, and a cache of the slots last found.
 */
export class SlotTable {
  /** Each slot's key, by slot number (a snapshot lists them in this order, as the Map's insertion order was). */
  readonly keys: JoinKey[] = [];
  leftHead = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  leftTail = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  rightHead = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  rightTail = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  private readonly index = new SlotIndex(INITIAL_SLOTS);
  /**
   * The slot last found for an integer key, by its low bits (NaN: none): a join's keys in flight are mostly
   * a few hundred consecutive ids (nexmark's bids name the last ~110 auctions), which the Fibonacci hash
   * spreads over the whole table, one cache line each; here they sit in a few lines. A slot never moves.
   */
  private readonly recentKey = new Float64Array(RECENT_MASK + 1).fill(Number.NaN);
  private readonly recentSlot = new Int32Array(RECENT_MASK + 1);

  get size(): number {
    return this.keys.length;
  }

  /** The slot of `key`, made (with no rows) if it has none. */
  slotOf(key: JoinKey): number {
    if (typeof key === "number" && (key | 0) === key) {
      const c = key & RECENT_MASK;
      if (this.recentKey[c] === key) return this.recentSlot[c] as number;
      return this.intSlotOf(key, c);
    }
    const s = this.index.slotOf(key);
    if (s === this.keys.length) this.add(key);
    return s;
  }

  /** The slot of an integer key that missed the recent-key cache at entry `c`, which it takes. */
  private intSlotOf(key: number, c: number): number {
    const s = this.index.intSlotOf(key);
    if (s === this.keys.length) this.add(key);
    this.recentKey[c] = key;
    this.recentSlot[c] = s;
    return s;
  }

  /** Makes the index's new slot `keys.length` here: its key, and room in the per-slot arrays. */
  private add(key: JoinKey): void {
    const s = this.keys.length;
    this.keys.push(key);
    if (s >= this.leftHead.length) {
      const n = this.leftHead.length * 2;
      this.leftHead = grown(this.leftHead, n, EMPTY);
      this.leftTail = grown(this.leftTail, n, EMPTY);
      this.rightHead = grown(this.rightHead, n, EMPTY);
      this.rightTail = grown(this.rightTail, n, EMPTY);
    }
  }
}
