import type { JoinKey } from "./joinKey.js";
import { grown } from "./typedGrowth.js";

const EMPTY = -1;
const RECENT_MASK = 255;

/**
 * A join's keys → dense slot numbers (0, 1, … in the order keys first came), and per slot where both
 * sides' rows start and end in their arenas (rowArena.ts; -1: none yet), in typed arrays. A join that
 * keeps every row (joinGroupAggregate.ts) held a Map entry and a slot object per key: nexmark q4's
 * ~120 000 auction ids at 2 M events, each promoted out of the young generation by a scavenge and then
 * marked by every major GC. Keys that are 32-bit integers (a single integer join column) go through an
 * open-addressing table of slot numbers; any other key through a Map of slot numbers.
 */
export class SlotTable {
  /** Each slot's key, by slot number (a snapshot lists them in this order, as the Map's insertion order was). */
  readonly keys: JoinKey[] = [];
  leftHead = new Int32Array(1024).fill(EMPTY);
  leftTail = new Int32Array(1024).fill(EMPTY);
  rightHead = new Int32Array(1024).fill(EMPTY);
  rightTail = new Int32Array(1024).fill(EMPTY);
  /** Open addressing (linear probing) of slot numbers for integer keys; at most half full. */
  private table = new Int32Array(2048).fill(EMPTY);
  private mask = 2047;
  /**
   * The slot last found for an integer key, by its low bits (NaN: none): a join's keys in flight are mostly
   * a few hundred consecutive ids (nexmark's bids name the last ~110 auctions), which the Fibonacci hash
   * spreads over the whole table, one cache line each; here they sit in a few lines. A slot never moves.
   */
  private readonly recentKey = new Float64Array(RECENT_MASK + 1).fill(Number.NaN);
  private readonly recentSlot = new Int32Array(RECENT_MASK + 1);
  private ints = 0;
  private readonly others = new Map<JoinKey, number>();

  get size(): number {
    return this.keys.length;
  }

  /** The slot of `key`, made (with no rows) if it has none. */
  slotOf(key: JoinKey): number {
    if (typeof key === "number" && (key | 0) === key) {
      const c = key & RECENT_MASK;
      if (this.recentKey[c] === key) return this.recentSlot[c] as number;
      const keys = this.keys;
      const table = this.table;
      const mask = this.mask;
      for (let h = hash(key) & mask; ; h = (h + 1) & mask) {
        const s = table[h] as number;
        if (s === EMPTY) {
          const made = this.add(key);
          table[h] = made;
          this.recentKey[c] = key;
          this.recentSlot[c] = made;
          if (++this.ints * 2 > mask) this.grow();
          return made;
        }
        if (keys[s] === key) {
          this.recentKey[c] = key;
          this.recentSlot[c] = s;
          return s;
        }
      }
    }
    const s = this.others.get(key);
    if (s !== undefined) return s;
    const made = this.add(key);
    this.others.set(key, made);
    return made;
  }

  private add(key: JoinKey): number {
    const s = this.keys.length;
    this.keys.push(key);
    if (s >= this.leftHead.length) {
      const n = this.leftHead.length * 2;
      this.leftHead = grown(this.leftHead, n, EMPTY);
      this.leftTail = grown(this.leftTail, n, EMPTY);
      this.rightHead = grown(this.rightHead, n, EMPTY);
      this.rightTail = grown(this.rightTail, n, EMPTY);
    }
    return s;
  }

  private grow(): void {
    const table = new Int32Array(this.table.length * 2).fill(EMPTY);
    const mask = table.length - 1;
    const keys = this.keys;
    for (let s = 0; s < keys.length; s++) {
      const key = keys[s];
      if (typeof key !== "number" || (key | 0) !== key) continue;
      let h = hash(key) & mask;
      while (table[h] !== EMPTY) h = (h + 1) & mask;
      table[h] = s;
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Fibonacci hashing: consecutive ids (nexmark's) and ids in strides spread over the table alike. */
function hash(key: number): number {
  const h = Math.imul(key, 0x9e3779b1);
  return h ^ (h >>> 15);
}
