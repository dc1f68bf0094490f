import { createHash } from "node:crypto";

/**
 * The signatures of the messages this session accepted, on every channel, so that a captured
 * message is refused when sent again — on the channel it came in on or on another one
 * (jupyter_client's Session keeps one digest_history for all of them). Shell and stdin are read
 * on the main thread and control on a worker (interrupts must be served while a cell loops), so
 * the history lives in a SharedArrayBuffer both threads open, behind a lock of their own.
 *
 * Bounded like digest_history (2^16 signatures): two generations of half as many; when the
 * current one is full the older one is forgotten, so the oldest half goes.
 * A signature is kept as 128 bits of its SHA-256 (fixed-size slots whatever the HMAC scheme).
 */
const LOCK = 0;
const CURRENT = 1;
const COUNT = 2; // COUNT + generation
const HEADER_WORDS = 4;
const WORDS_PER_SLOT = 4;

export class ReplayGuard {
  private readonly header: Int32Array;
  private readonly tables: [Int32Array, Int32Array];
  /** Signatures per generation; each table has twice as many slots, so probing stays short. */
  private readonly perGeneration: number;

  /** A new, empty history for `capacity` signatures (a power of two). */
  static create(capacity = 1 << 16): ReplayGuard {
    if (capacity < 4 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`replay history capacity must be a power of two >= 4, not ${capacity}`);
    const bytes = (HEADER_WORDS + 2 * capacity * WORDS_PER_SLOT) * Int32Array.BYTES_PER_ELEMENT;
    return new ReplayGuard(new SharedArrayBuffer(bytes));
  }

  /** The same history, opened on another thread from `guard.memory`. */
  static open(memory: SharedArrayBuffer): ReplayGuard {
    return new ReplayGuard(memory);
  }

  private constructor(readonly memory: SharedArrayBuffer) {
    const words = memory.byteLength / Int32Array.BYTES_PER_ELEMENT;
    const slots = (words - HEADER_WORDS) / (2 * WORDS_PER_SLOT);
    this.header = new Int32Array(memory, 0, HEADER_WORDS);
    const table = (g: number) => new Int32Array(memory, (HEADER_WORDS + g * slots * WORDS_PER_SLOT) * 4, slots * WORDS_PER_SLOT);
    this.tables = [table(0), table(1)];
    this.perGeneration = slots / 2;
  }

  /** True the first time a signature is seen (on any thread), false for a replay. */
  admit(signature: string): boolean {
    // No key, no signatures: nothing to tell a replay by (jupyter_client checks none either).
    if (signature === "") return true;
    const key = keyOf(signature);
    this.lock();
    try {
      if (this.find(this.tables[0], key) || this.find(this.tables[1], key)) return false;
      let current = this.header[CURRENT] as 0 | 1;
      if ((this.header[COUNT + current] as number) >= this.perGeneration) {
        current = current === 0 ? 1 : 0;
        this.tables[current].fill(0);
        this.header[COUNT + current] = 0;
        this.header[CURRENT] = current;
      }
      this.insert(this.tables[current], key);
      this.header[COUNT + current] = (this.header[COUNT + current] as number) + 1;
      return true;
    } finally {
      this.unlock();
    }
  }

  // Held for a lookup and an insert (a table clear every 2^15 messages): a spin with a short
  // wait is enough, and Node lets the main thread Atomics.wait.
  private lock(): void {
    while (Atomics.compareExchange(this.header, LOCK, 0, 1) !== 0) Atomics.wait(this.header, LOCK, 1, 1);
  }

  private unlock(): void {
    Atomics.store(this.header, LOCK, 0);
    Atomics.notify(this.header, LOCK, 1);
  }

  private find(table: Int32Array, key: Int32Array): boolean {
    for (let at = this.home(table, key); table[at] !== 0; at = (at + WORDS_PER_SLOT) % table.length) {
      if (table[at] === key[0] && table[at + 1] === key[1] && table[at + 2] === key[2] && table[at + 3] === key[3]) return true;
    }
    return false;
  }

  private insert(table: Int32Array, key: Int32Array): void {
    let at = this.home(table, key);
    while (table[at] !== 0) at = (at + WORDS_PER_SLOT) % table.length;
    table.set(key, at);
  }

  private home(table: Int32Array, key: Int32Array): number {
    return (((key[1] as number) >>> 0) % (table.length / WORDS_PER_SLOT)) * WORDS_PER_SLOT;
  }
}

function keyOf(signature: string): Int32Array {
  const digest = createHash("sha256").update(signature).digest();
  const key = new Int32Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + 16));
  key[0] = (key[0] as number) | 1; // a zero first word marks an empty slot
  return key;
}
