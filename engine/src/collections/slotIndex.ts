/**
 * Key → slot number (0, 1, 2, … in order of first arrival): the one index behind the SQL operators that
 * keep per-key state in dense arrays — a pane of the local window phase (sql/windows/localWindowAggregate.ts,
 * nexmark q5) and the fused join's SlotTable (sql/joins/slotTable.ts, nexmark q4). It knows nothing of SQL,
 * so both import it from here rather than one from the other's folder.
 *
 * Keys that are 32-bit integers (nexmark's auction ids) sit in an open-addressed table of two `Int32Array`s,
 * probed inline; every other key in a `Map`. A `Map` probe per row was a third of the local window phase's
 * fold (session 18: `FindOrderedHashMapEntry` and the heap of a `Map.set` per new key), and a `Map` entry
 * per join key was an old-generation object for every major GC to mark. Keys are equal as a `Map`'s are
 * (SameValueZero): -0 and 0 are one key.
 *
 * @example
 * const slots = new SlotIndex();
 * if (slots.get(key) < 0) slots.add(key); // slot 0
 * slots.slotOf(key); // 0 again: found or made in one probe
 */
export class SlotIndex {
  /** Key of each table entry (valid where `slotPlusOne` is not 0). */
  private keys: Int32Array;
  /** Slot + 1 of each table entry; 0 marks an empty entry. */
  private slotPlusOne: Int32Array;
  /** 32 - log2(table length): a key's home entry is its multiplicative hash's top bits. */
  private shift: number;
  private ints = 0;
  private others: Map<unknown, number> | undefined;
  /** Slots given so far (the next slot's number). */
  size = 0;

  /** `expected`: how many keys to make room for without growing (a pane: as many as the pane before it had). */
  constructor(expected = 0) {
    let length = INITIAL;
    while (length < 2 * expected && length < MAX_INITIAL) length *= 2;
    this.keys = new Int32Array(length);
    this.slotPlusOne = new Int32Array(length);
    this.shift = 32 - Math.log2(length);
  }

  /** The key's slot, or -1. */
  get(key: unknown): number {
    if (typeof key === "number" && (key | 0) === key) {
      const { keys, slotPlusOne } = this;
      const mask = keys.length - 1;
      for (let i = Math.imul(key, HASH) >>> this.shift; ; i = (i + 1) & mask) {
        const s = slotPlusOne[i] as number;
        if (s === 0) return -1;
        if (keys[i] === key) return s - 1;
      }
    }
    return this.others?.get(key) ?? -1;
  }

  /** Gives `key` (not in the index) the next slot and returns it. */
  add(key: unknown): number {
    if (typeof key === "number" && (key | 0) === key) {
      const slot = this.size++;
      if (2 * (this.ints + 1) > this.keys.length) this.grow();
      this.ints++;
      this.put(key, slot + 1);
      return slot;
    }
    return this.addOther(key);
  }

  /** The key's slot, given it (the next slot) if it had none: `get`, then `add` on a miss, in one probe. */
  slotOf(key: unknown): number {
    if (typeof key === "number" && (key | 0) === key) return this.intSlotOf(key);
    const s = this.others?.get(key);
    return s === undefined ? this.addOther(key) : s;
  }

  /** `slotOf` for a key the caller has seen to be a 32-bit integer (`(key | 0) === key`). */
  intSlotOf(key: number): number {
    const { keys, slotPlusOne } = this;
    const mask = keys.length - 1;
    for (let i = Math.imul(key, HASH) >>> this.shift; ; i = (i + 1) & mask) {
      const s = slotPlusOne[i] as number;
      if (s === 0) return this.addAt(key, i);
      if (keys[i] === key) return s - 1;
    }
  }

  /** Gives the integer `key` (not in the table; `i`, its empty entry) the next slot. */
  private addAt(key: number, i: number): number {
    const slot = this.size++;
    if (2 * ++this.ints > this.keys.length) {
      this.grow();
      this.put(key, slot + 1);
    } else {
      this.keys[i] = key;
      this.slotPlusOne[i] = slot + 1;
    }
    return slot;
  }

  private put(key: number, slotPlusOne: number): void {
    const mask = this.keys.length - 1;
    let i = Math.imul(key, HASH) >>> this.shift;
    while (this.slotPlusOne[i] !== 0) i = (i + 1) & mask;
    this.keys[i] = key;
    this.slotPlusOne[i] = slotPlusOne;
  }

  private addOther(key: unknown): number {
    const slot = this.size++;
    if (this.others === undefined) this.others = new Map();
    this.others.set(key, slot);
    return slot;
  }

  /** Doubles the table (kept at most half full, so a probe ends after a few entries). */
  private grow(): void {
    const { keys, slotPlusOne } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.slotPlusOne = new Int32Array(keys.length * 2);
    this.shift--;
    for (let i = 0; i < keys.length; i++) if (slotPlusOne[i] !== 0) this.put(keys[i] as number, slotPlusOne[i] as number);
  }
}

const INITIAL = 64;
/** The largest table made up front (2^16 entries, 512 KB): beyond it, by growing. */
const MAX_INITIAL = 1 << 16;
/** 2^32 / φ, as a signed 32-bit integer (Fibonacci hashing). */
const HASH = -1640531527;
