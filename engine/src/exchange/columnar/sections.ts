/**
 * The one ArrayBuffer a columnar batch crosses threads in: columns are written as aligned sections of
 * it, in the order the header lists them.
 */
/** Spare buffers one writer keeps (more in flight are left to the collector). */
const MAX_SPARE = 4;

export class SectionWriter {
  private scratch = new ArrayBuffer(1 << 12);
  private cursor = 0;

  reset(): void {
    this.cursor = 0;
  }

  get buffer(): ArrayBuffer {
    return this.scratch;
  }

  /** `bytes` at an 8-byte aligned offset (any typed array can view it). Growing copies what is written. */
  reserve(bytes: number): number {
    const at = Math.ceil(this.cursor / 8) * 8;
    if (at + bytes > this.scratch.byteLength) {
      const grown = new ArrayBuffer(Math.max(this.scratch.byteLength * 2, at + bytes));
      new Uint8Array(grown).set(new Uint8Array(this.scratch, 0, this.cursor));
      this.scratch = grown;
    }
    this.cursor = at + bytes;
    return at;
  }

  /** Gives back everything from `end` on (a column abandoned for a clone). */
  truncate(end: number): void {
    this.cursor = end;
  }

  /** Where the next reservation would start (to truncate back to after an abandoned section). */
  get end(): number {
    return this.cursor;
  }

  /**
   * The batch's buffer: the scratch itself, handed over whole (a transfer costs the same whatever its
   * size; a copy of the used part cost 6% of encoding), and for the next one a buffer the consumer gave
   * back (`recycle`) if one is large enough, else a new scratch a little larger than this batch needed.
   */
  finish(): ArrayBuffer {
    const done = this.scratch;
    // A spare as large as this batch is taken (the next is likely alike; a larger one grows it); a smaller one is dropped.
    const spare = this.spare.pop();
    this.scratch = spare !== undefined && spare.byteLength >= this.cursor ? spare : new ArrayBuffer(Math.max(1 << 12, Math.ceil(this.cursor * 1.25)));
    this.cursor = 0;
    return done;
  }

  /**
   * Buffers of batches already decoded, back from the consumer: Flink's network buffer pool. A new
   * ArrayBuffer per batch was fresh zeroed memory each time (page faults for a large one) and external
   * memory that drives V8's full collections; a few spares cover the batches in flight.
   */
  private readonly spare: ArrayBuffer[] = [];

  recycle(buffer: ArrayBuffer): void {
    if (this.spare.length < MAX_SPARE && buffer.byteLength > 0) this.spare.push(buffer);
  }
}

/**
 * Which rows of a column hold no value: a null bitmap, and a second one only when some of them are
 * `undefined` rather than `null` (a record's missing field), so both come back as they went.
 */
export class Nullity {
  private bits = new Uint8Array(128);
  private undef = new Uint8Array(128);
  nulls = 0;
  undefs = 0;
  /** Bytes that may hold marks since the last clear (batches differ in length). */
  private dirty = 0;

  reset(n: number): void {
    const bytes = (n + 7) >> 3;
    if (this.bits.length < bytes) {
      this.bits = new Uint8Array(bytes * 2);
      this.undef = new Uint8Array(bytes * 2);
    } else if (this.dirty > 0) {
      this.bits.fill(0, 0, this.dirty);
      this.undef.fill(0, 0, this.dirty);
    }
    this.dirty = 0;
    this.nulls = 0;
    this.undefs = 0;
  }

  mark(i: number, value: null | undefined): void {
    if (i >> 3 >= this.dirty) this.dirty = (i >> 3) + 1;
    this.bits[i >> 3]! |= 1 << (i & 7);
    this.nulls++;
    if (value === undefined) {
      this.undef[i >> 3]! |= 1 << (i & 7);
      this.undefs++;
    }
  }

  /** Writes the bitmaps that are needed; their offsets go into the column's header. */
  write(n: number, out: SectionWriter): NullHeader {
    if (this.nulls === 0) return {};
    const bytes = (n + 7) >> 3;
    const nulls = out.reserve(bytes);
    new Uint8Array(out.buffer, nulls, bytes).set(this.bits.subarray(0, bytes));
    if (this.undefs === 0) return { nulls };
    const undef = out.reserve(bytes);
    new Uint8Array(out.buffer, undef, bytes).set(this.undef.subarray(0, bytes));
    return { nulls, undef };
  }
}

/** Byte offsets of a column's bitmaps in the batch's buffer (absent: no such rows). */
export interface NullHeader {
  nulls?: number;
  undef?: number;
}

/** The value a null row decodes to: `null`, or `undefined` where the sender had that. */
export function nullReader(buffer: ArrayBuffer, n: number, h: NullHeader): ((i: number) => boolean) & { value: (i: number) => null | undefined } {
  const bytes = (n + 7) >> 3;
  const bits = h.nulls === undefined ? undefined : new Uint8Array(buffer, h.nulls, bytes);
  const undef = h.undef === undefined ? undefined : new Uint8Array(buffer, h.undef, bytes);
  const isNull = ((i: number) => bits !== undefined && ((bits[i >> 3]! >> (i & 7)) & 1) === 1) as ((i: number) => boolean) & { value: (i: number) => null | undefined };
  isNull.value = (i: number) => (undef !== undefined && ((undef[i >> 3]! >> (i & 7)) & 1) === 1 ? undefined : null);
  return isNull;
}
