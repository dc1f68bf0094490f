import type { Row } from "../connectors.js";

const CHUNK_ROWS = 8192;

/** A chunk: doubles while every value written was a number, else any values. */
type Chunk = Float64Array | unknown[];

/**
 * One side's rows of a join for all its keys, in chunks of `width` values per row that every key shares,
 * each key's rows a list linked through `next` (row number → the key's next row, -1 at its end). A join
 * keeping every row (joinGroupAggregate.ts) used a growing array per key: each growth copied it, young,
 * and the scavenger then copied and promoted the copy (nexmark q4: ~88 bytes per bid, and most of what
 * survived a scavenge). Here a row is written in place into a chunk allocated once per CHUNK_ROWS rows,
 * and while every value is a number the chunks and the links are typed arrays, outside the heap the
 * collector walks. The first value that is not a number (NULL, a string, a bigint) turns every chunk into
 * an array of any values, once: a Float64Array gives back exactly the number written, nothing else.
 */
export class RowArena {
  private readonly chunks: Chunk[] = [];
  /**
   * Per chunk its rows' links, allocated with it: one array of links for all rows doubled as it grew, each
   * doubling a copy into fresh memory (nexmark q4's 1.8 M bids: 16 MB written for 7 MB of links, ~1 % of the job).
   */
  private readonly links: Int32Array[] = [];
  private numbers = true;
  private rows = 0;
  private readonly shift: number;
  private readonly mask: number;

  constructor(
    readonly width: number,
    chunkRows = CHUNK_ROWS,
  ) {
    if (width < 1 || chunkRows < 1 || (chunkRows & (chunkRows - 1)) !== 0) throw new RangeError(`RowArena: width ${width} ≥ 1 and a power of two rows per chunk (${chunkRows})`);
    this.shift = Math.log2(chunkRows);
    this.mask = chunkRows - 1;
  }

  /** Appends the row of `width` values at `values[from]` after row `tail` (-1: a key's first row); its row number. */
  append(values: readonly unknown[], from: number, tail: number): number {
    const width = this.width;
    if (this.numbers)
      for (let i = 0; i < width; i++)
        if (typeof values[from + i] !== "number") {
          this.anyValues();
          break;
        }
    const at = this.rows++;
    const c = at >>> this.shift;
    const chunk = c < this.chunks.length ? (this.chunks[c] as Chunk) : this.newChunk();
    const base = (at & this.mask) * width;
    for (let i = 0; i < width; i++) chunk[base + i] = values[from + i] as number;
    (this.links[c] as Int32Array)[at & this.mask] = -1;
    if (tail >= 0) (this.links[tail >>> this.shift] as Int32Array)[tail & this.mask] = at;
    return at;
  }

  /** The chunk holding row `at`; the row's values start at `offset(at)` there. */
  chunk(at: number): Chunk {
    return this.chunks[at >>> this.shift] as Chunk;
  }

  offset(at: number): number {
    return (at & this.mask) * this.width;
  }

  /** The row after `at` in its key's list, -1 at the end. */
  next(at: number): number {
    return (this.links[at >>> this.shift] as Int32Array)[at & this.mask] as number;
  }

  /** A key's rows from `head` on, as one flat list of values (a snapshot's copy). */
  list(head: number): Row {
    const out: unknown[] = [];
    for (let at = head; at >= 0; at = this.next(at)) {
      const chunk = this.chunk(at);
      const base = this.offset(at);
      for (let i = 0; i < this.width; i++) out.push(chunk[base + i]);
    }
    return out;
  }

  private newChunk(): Chunk {
    const size = this.width << this.shift;
    const chunk = this.numbers ? new Float64Array(size) : new Array<unknown>(size);
    this.chunks.push(chunk);
    this.links.push(new Int32Array(this.mask + 1));
    return chunk;
  }

  private anyValues(): void {
    this.numbers = false;
    for (let c = 0; c < this.chunks.length; c++) this.chunks[c] = Array.from(this.chunks[c] as Float64Array);
  }
}
