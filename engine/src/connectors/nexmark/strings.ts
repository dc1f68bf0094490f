import { NexmarkRandom } from "./NexmarkRandom.js";

/**
 * Nexmark's string material: random words, the `extra` padding that brings events to their average
 * byte size, and the channel/url pool of bids. Tables are built once per process from fixed seeds
 * (Nexmark builds them from unseeded randoms; fixed seeds keep every process, and the Java twin, equal).
 */

const MIN_STRING_LENGTH = 3;
const EXTRA_POOL_LENGTH = 1024 * 1024;
const CHANNELS_NUMBER = 10_000;
const TABLE_SEED = 0x5eed;

/**
 * Letters are written as bytes into this scratch buffer and decoded once: building the string with `+=`
 * per letter cost twice as much (a string per letter; descriptions average 50 letters).
 */
let scratch = Buffer.allocUnsafe(128);

/** `scratch` with room for at least `length` bytes (its contents are not kept). */
function scratchOf(length: number): Buffer {
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, 2 * scratch.length));
  return scratch;
}

/**
 * Nexmark's `nextString` letters into `bytes` from `at`: 3..maxLength-1 of them, trimmed of `special` when
 * that is a space (String.prototype.trim: only the special char can be whitespace here). Returns the
 * trimmed range as `from * 65536 + to` (offsets below 65,536), so no object per call.
 */
function fillString(rng: NexmarkRandom, maxLength: number, special: string, bytes: Buffer, at: number): number {
  const len = MIN_STRING_LENGTH + rng.nextInt(maxLength - MIN_STRING_LENGTH);
  rng.fillLetters(bytes, at, len, special.charCodeAt(0));
  let from = at;
  let to = at + len;
  if (special === " ") {
    while (from < to && bytes[from] === 32) from++;
    while (to > from && bytes[to - 1] === 32) to--;
  }
  return from * 65536 + to;
}

/** A random string of 3..maxLength-1 letters, with `special` (one ASCII char) now and then, trimmed (Nexmark's `nextString`). */
export function nextString(rng: NexmarkRandom, maxLength: number, special = " "): string {
  const bytes = scratchOf(maxLength);
  const range = fillString(rng, maxLength, special, bytes, 0);
  return bytes.toString("latin1", Math.floor(range / 65536), range % 65536);
}

/**
 * `[nextString(rng, maxA), nextString(rng, maxB)]` (the same draws in the same order) from ONE decode:
 * `Buffer.toString` calls into C++ for ~80 ns whatever the length, `substring` ~10 ns (RESULTS.md,
 * session 12), and the generator decoded 0.16 strings per event (an auction's item name and description,
 * a person's two email parts).
 */
export function nextStringPair(rng: NexmarkRandom, maxA: number, maxB: number): [string, string] {
  const bytes = scratchOf(maxA + maxB);
  const a = fillString(rng, maxA, " ", bytes, 0);
  const b = fillString(rng, maxB, " ", bytes, a % 65536);
  const fromA = Math.floor(a / 65536);
  const both = bytes.toString("latin1", fromA, b % 65536);
  return [both.substring(0, (a % 65536) - fromA), both.substring(Math.floor(b / 65536) - fromA)];
}

/** A person's `${nextString(rng, 7)}@${nextString(rng, 5)}.com`, the same draws, from one decode (see `nextStringPair`). */
export function nextEmail(rng: NexmarkRandom): string {
  const bytes = scratchOf(7 + 5 + 8);
  // Each part's letters are drawn at offset 12 (past the longest address prefix) and moved down, so the
  // address is assembled in the scratch buffer and decoded once.
  const local = fillString(rng, 7, " ", bytes, 12);
  let at = 0;
  for (let i = Math.floor(local / 65536); i < local % 65536; i++) bytes[at++] = bytes[i]!;
  bytes[at++] = 64; // @
  const domain = fillString(rng, 5, " ", bytes, 12);
  for (let i = Math.floor(domain / 65536); i < domain % 65536; i++) bytes[at++] = bytes[i]!;
  bytes[at++] = 46; // .com
  bytes[at++] = 99;
  bytes[at++] = 111;
  bytes[at++] = 109;
  return bytes.toString("latin1", 0, at);
}

let extraPool: string | undefined;

/** One megabyte of random letters; `extra` fields are slices of it, so padding costs no per-char work. */
export function pool(): string {
  if (extraPool === undefined) {
    const rng = new NexmarkRandom();
    rng.reset(TABLE_SEED, 0);
    const bytes = Buffer.allocUnsafe(EXTRA_POOL_LENGTH);
    for (let i = 0; i < EXTRA_POOL_LENGTH; i++) bytes[i] = 97 + rng.nextInt(26);
    extraPool = bytes.toString("latin1");
  }
  return extraPool;
}

/** A random string of exactly `length` letters (a slice of the pool). */
export function nextExactString(rng: NexmarkRandom, length: number): string {
  const p = pool();
  const offset = rng.nextInt(p.length - length);
  return p.substring(offset, offset + length);
}

/** The lengths `nextExtra` draws from: `min + nextInt(spread)` (no draw when `spread` is 0); `undefined`: no padding. */
export interface ExtraLength {
  readonly min: number;
  readonly spread: number;
}

/** Padding lengths so that `currentSize + extra.length` averages `averageSize` (±20%), as Nexmark's `nextExtra`. */
export function extraLength(currentSize: number, averageSize: number): ExtraLength | undefined {
  if (currentSize > averageSize) return undefined;
  const desired = averageSize - currentSize;
  const delta = Math.round(desired * 0.2);
  return { min: desired - delta, spread: 2 * delta };
}

/**
 * Padding of a length drawn from `length` (`extraLength`). A bid's sizes are the same for every bid, so
 * the generator computes its `ExtraLength` once and calls this directly.
 */
export function nextExtraOf(rng: NexmarkRandom, length: ExtraLength | undefined): string {
  if (length === undefined) return "";
  const size = length.min + (length.spread === 0 ? 0 : rng.nextInt(length.spread));
  const p = extraPool ?? pool();
  const offset = rng.nextInt(p.length - size);
  return p.substring(offset, offset + size);
}

/** Padding so that `currentSize + extra.length` averages `averageSize` (±20%), as Nexmark's `nextExtra`. */
export function nextExtra(rng: NexmarkRandom, currentSize: number, averageSize: number): string {
  return nextExtraOf(rng, extraLength(currentSize, averageSize));
}

function baseUrl(rng: NexmarkRandom): string {
  return `https://www.nexmark.com/${nextString(rng, 5, "_")}/${nextString(rng, 5, "_")}/${nextString(rng, 5, "_")}/item.htm?query=1`;
}

export const HOT_CHANNELS: readonly string[] = ["Google", "Facebook", "Baidu", "Apple"];

export interface ChannelTables {
  hotUrls: string[];
  channels: string[];
  urls: string[];
}

let channelTables: ChannelTables | undefined;

/** The four hot urls and the 10,000 (channel, url) pairs of Nexmark's `BidGenerator`. */
export function channels(): ChannelTables {
  if (channelTables === undefined) {
    const rng = new NexmarkRandom();
    rng.reset(TABLE_SEED, 1);
    const hotUrls = HOT_CHANNELS.map(() => baseUrl(rng));
    const names: string[] = [];
    const urls: string[] = [];
    for (let i = 0; i < CHANNELS_NUMBER; i++) {
      let url = baseUrl(rng);
      // Java's Math.abs(Integer.reverse(i)) as Nexmark does (abs of MIN_VALUE stays negative there).
      if (rng.nextInt(10) > 0) url += `&channel_id=${javaAbs(reverseBits(i))}`;
      names.push(`channel-${i}`);
      urls.push(url);
    }
    channelTables = { hotUrls, channels: names, urls };
  }
  return channelTables;
}

function javaAbs(x: number): number {
  return x === -2147483648 ? x : Math.abs(x);
}

/** Java's Integer.reverse: the 32 bits of `i` in reverse order, as a signed int. */
function reverseBits(i: number): number {
  let r = 0;
  for (let b = 0; b < 32; b++) r = (r << 1) | ((i >>> b) & 1);
  return r | 0;
}

export const US_STATES: readonly string[] = ["AZ", "CA", "ID", "OR", "WA", "WY"];
export const US_CITIES: readonly string[] = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
export const FIRST_NAMES: readonly string[] = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
export const LAST_NAMES: readonly string[] = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

const CARD_GROUPS = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, "0"));

/** Four groups of four digits. */
export function nextCreditCard(rng: NexmarkRandom): string {
  const g = CARD_GROUPS;
  return `${g[rng.nextInt(10_000)]!} ${g[rng.nextInt(10_000)]!} ${g[rng.nextInt(10_000)]!} ${g[rng.nextInt(10_000)]!}`;
}
