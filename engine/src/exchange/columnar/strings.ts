/**
 * String columns. Through the channel's dictionary while it pays: the encoder numbers each distinct
 * string once and sends only the strings new to this channel in the batch's header, the decoder keeps
 * the same list, so a repeated string (a channel name, a URL, a country) crosses as an Int32 code and
 * comes out as the one string object the decoder already holds. A column whose batches are mostly new
 * strings (Nexmark's `extra`, free text) switches for good to UTF-8 bytes with offsets: a dictionary
 * would only grow on both sides.
 */
import { type NullHeader, type Nullity, type SectionWriter, nullReader } from "./sections.js";

/** A batch of at least this many rows, of which more than this share are new strings, leaves the dictionary. */
const MIN_ROWS_TO_DECIDE = 64;
const NEW_SHARE_TO_LEAVE = 0.9;
/** Bounds each side's memory on a column of slowly growing cardinality. */
export const MAX_DICTIONARY = 1 << 16;

export type StringHeader =
  /** Codes into the dictionary, which had `base` entries before this batch's `fresh` ones. */
  | ({ enc: "dict"; at: number; base: number; fresh: string[] } & NullHeader)
  /** `offsets`: n + 1 Int32 byte offsets into the `length` bytes at `bytes`. */
  | ({ enc: "utf8"; offsets: number; bytes: number; length: number; ascii: boolean } & NullHeader);

/** How string columns are sent: adaptive (the default), or one way always (to measure each). */
export type StringPolicy = "adaptive" | "dictionary" | "utf8";

export interface StringColumnState {
  readonly dictionary: Map<string, number>;
  strings: "dictionary" | "utf8";
  readonly policy: StringPolicy;
}

/** Undefined when a value is not a string, or (UTF-8) not well-formed UTF-16: the column falls back to a clone. */
export function encodeStrings(col: StringColumnState, values: readonly unknown[], n: number, out: SectionWriter, nullity: Nullity): StringHeader | undefined {
  if (col.strings === "dictionary") {
    const h = encodeDictionary(col.dictionary, values, n, out, nullity);
    if (h !== undefined && col.policy === "adaptive" && ((n >= MIN_ROWS_TO_DECIDE && h.fresh.length > n * NEW_SHARE_TO_LEAVE) || col.dictionary.size > MAX_DICTIONARY)) {
      col.strings = "utf8";
      col.dictionary.clear();
    }
    return h;
  }
  return encodeUtf8(values, n, out, nullity);
}

function encodeDictionary(dictionary: Map<string, number>, values: readonly unknown[], n: number, out: SectionWriter, nullity: Nullity): Extract<StringHeader, { enc: "dict" }> | undefined {
  const base = dictionary.size;
  const fresh: string[] = [];
  const at = out.reserve(n * 4);
  const codes = new Int32Array(out.buffer, at, n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "string") {
      let code = dictionary.get(v);
      if (code === undefined) {
        code = dictionary.size;
        dictionary.set(v, code);
        fresh.push(v);
      }
      codes[i] = code;
    } else if (v === null || v === undefined) nullity.mark(i, v);
    else {
      // The decoder never sees these entries: take them back.
      for (const s of fresh) dictionary.delete(s);
      return undefined;
    }
  }
  return { enc: "dict", at, base, fresh, ...nullity.write(n, out) };
}

/** Node's Buffer methods without `write`/`toString`'s argument handling (a third of the time on short strings). */
interface RawBuffer extends Buffer {
  utf8Write(s: string, offset: number, length: number): number;
  latin1Write(s: string, offset: number, length: number): number;
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/**
 * Characters joined into one string at most (about): V8 allocates a string over ~128 KB in its large-object
 * space, fresh pages per batch (a column of 2,500 Nexmark `extra`s joined whole cost ~45 ns more per row).
 */
const JOIN_CHARS = 32 * 1024;

/**
 * The column's strings joined in pieces of about JOIN_CHARS and written a piece at a time; when every one
 * is ASCII (bytes = UTF-16 units), their byte offsets are their character offsets and the decoder reads
 * them as Latin-1, the cheapest.
 */
function encodeUtf8(values: readonly unknown[], n: number, out: SectionWriter, nullity: Nullity): StringHeader | undefined {
  const parts: string[] = new Array(n);
  const pieces: string[] = [];
  let from = 0;
  let chars = 0;
  let length = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "string") {
      parts[i] = v;
      chars += v.length;
    } else if (v === null || v === undefined) {
      nullity.mark(i, v);
      parts[i] = "";
    } else return undefined;
    if (chars >= JOIN_CHARS || i === n - 1) {
      const piece = from === 0 && i === n - 1 ? parts.join("") : parts.slice(from, i + 1).join("");
      pieces.push(piece);
      length += Buffer.byteLength(piece, "utf8");
      from = i + 1;
      chars = 0;
    }
  }
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const ascii = length === total;
  // Both reserved before any view is made: a reservation may move the scratch.
  const offsets = out.reserve((n + 1) * 4);
  const bytes = out.reserve(length);
  const starts = new Int32Array(out.buffer, offsets, n + 1);
  const buf = Buffer.from(out.buffer, bytes, length) as RawBuffer;
  let pos = 0;
  if (ascii) {
    for (const piece of pieces) pos += buf.latin1Write(piece, pos, piece.length);
    pos = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = pos;
      pos += (parts[i] as string).length;
    }
  } else {
    for (let i = 0; i < n; i++) {
      starts[i] = pos;
      const v = parts[i] as string;
      // A lone surrogate would come back as U+FFFD (checked per string: two halves may pair up when joined).
      if (!(v as string & { isWellFormed(): boolean }).isWellFormed()) return undefined;
      if (v.length > 0) pos += buf.utf8Write(v, pos, length - pos);
    }
  }
  starts[n] = pos;
  return { enc: "utf8", offsets, bytes, length, ascii, ...nullity.write(n, out) };
}

/** Thrown when a batch's dictionary entries do not continue the decoder's (a batch lost or replayed on the channel). */
export class DictionaryGapError extends Error {
  constructor(column: string, expected: number, got: number) {
    super(`columnar exchange: column ${column}: the batch continues a string dictionary of ${got} entries, the decoder has ${expected} (a batch was lost or decoded twice)`);
    this.name = "DictionaryGapError";
  }
}

/** The decoder's dictionary with this batch's new strings, checked to continue it. */
export function extendDictionary(col: { name: string; dictionary: string[] }, h: Extract<StringHeader, { enc: "dict" }>): string[] {
  const dictionary = col.dictionary;
  if (dictionary.length !== h.base) throw new DictionaryGapError(col.name, dictionary.length, h.base);
  for (const s of h.fresh) dictionary.push(s);
  return dictionary;
}

export function decodeStrings(col: { name: string; dictionary: string[] }, h: StringHeader, buffer: ArrayBuffer, n: number, out: unknown[]): unknown[] {
  const isNull = nullReader(buffer, n, h);
  const nulls = h.nulls !== undefined;
  if (h.enc === "dict") {
    const dictionary = extendDictionary(col, h);
    const codes = new Int32Array(buffer, h.at, n);
    for (let i = 0; i < n; i++) out[i] = nulls && isNull(i) ? isNull.value(i) : dictionary[codes[i]!];
    return out;
  }
  // The encoder never goes back to the dictionary once a column has left it.
  col.dictionary.length = 0;
  const starts = new Int32Array(buffer, h.offsets, n + 1);
  const bytes = Buffer.from(buffer, h.bytes, h.length) as RawBuffer;
  if (h.ascii) return decodeAscii(bytes, starts, n, nulls ? isNull : undefined, out);
  for (let i = 0; i < n; i++) out[i] = nulls && isNull(i) ? isNull.value(i) : bytes.utf8Slice(starts[i] as number, starts[i + 1] as number);
  return out;
}

/**
 * Bytes of an ASCII column read per native call. Each call gives one JS string of several rows and every
 * row is a `substring` of it: V8 makes a substring of 13 or more characters a slice (a pointer and two
 * integers) instead of a copy, so a 78-character row costs ~20 ns instead of ~100 ns for its own
 * `latin1Slice` (bench/exchange/stringCodec.bench.ts). A slice keeps its whole chunk alive while it is
 * reachable: a chunk of this size bounds what one string kept in state (a window's top bid, a join side)
 * holds of its neighbours, where a chunk per batch would hold a whole column (~80 KB of Nexmark `extra`).
 */
export const ASCII_CHUNK = 2048;

function decodeAscii(bytes: RawBuffer, starts: Int32Array, n: number, isNull: ReturnType<typeof nullReader> | undefined, out: unknown[]): unknown[] {
  let i = 0;
  while (i < n) {
    const from = starts[i] as number;
    // Rows [i, j) in one chunk: at least one row, more while they fit.
    let j = i + 1;
    while (j < n && (starts[j + 1] as number) - from <= ASCII_CHUNK) j++;
    const text = bytes.latin1Slice(from, starts[j] as number);
    for (let k = i; k < j; k++) out[k] = isNull !== undefined && isNull(k) ? isNull.value(k) : text.substring((starts[k] as number) - from, (starts[k + 1] as number) - from);
    i = j;
  }
  return out;
}
