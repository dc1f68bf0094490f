/**
 * Keys as the engine stores them. Primitive keys are used as-is (JavaScript Maps compare them by value);
 * composite keys (arrays, plain objects) become a canonical JSON string so `['a', 1]` produced by two
 * different calls lands in the same state and on the same subtask.
 */
export type NormalizedKey = string | number | boolean | bigint | null | undefined;

/** Prefix that marks a normalized composite key; user string keys starting with NUL could collide. */
const COMPOSITE = "\u0000";

export function normalizeKey(key: unknown): NormalizedKey {
  switch (typeof key) {
    case "string":
    case "boolean":
    case "bigint":
    case "undefined":
      return key;
    case "number":
      return key === 0 ? 0 : key; // -0 and 0 are one key
    case "object":
      if (key === null) return null;
      if (key instanceof Date) return key.getTime();
      return COMPOSITE + canonicalJson(key);
    default:
      throw new TypeError(`Keys must be strings, numbers, booleans, bigints, dates, arrays or plain objects; got ${typeof key}`);
  }
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? "null");
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value instanceof Date) return String(value.getTime());
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(",")}}`;
}

/** Flink's default: state is sharded into this many key groups, which bounds how far a job can scale out. */
export const DEFAULT_MAX_PARALLELISM = 128;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A stable 32-bit hash (same value in every process), so key→subtask routing survives restarts and threads. */
export function hashKey(key: NormalizedKey): number {
  let h: number;
  switch (typeof key) {
    case "string":
      h = hashString(key);
      break;
    case "number":
      f64[0] = key;
      h = Math.imul(u32[0]! ^ Math.imul(u32[1]!, 0x9e3779b1), 0x85ebca6b);
      break;
    case "boolean":
      h = key ? 1231 : 1237;
      break;
    case "bigint":
      h = hashString(key.toString());
      break;
    default:
      h = key === null ? 0x5bd1e995 : 0x27d4eb2d;
  }
  return fmix32(h);
}

function hashString(s: string): number {
  // FNV-1a over UTF-16 code units; fmix32 afterwards spreads the bits.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** MurmurHash3's 32-bit finalizer (as Flink's MathUtils.murmurHash ends), unsigned. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function keyGroupOf(key: NormalizedKey, maxParallelism: number): number {
  const h = hashKey(key);
  // h % maxParallelism without `%`: h is unsigned 32-bit, outside V8's int32 modulus, so `%` compiled to a
  // call of fmod (~40 ns a record when routing a keyed exchange). Exact: h / maxParallelism is at least
  // 1 / maxParallelism below the next integer, far more than a double's spacing below 2^32.
  return h - Math.floor(h / maxParallelism) * maxParallelism;
}

/** Contiguous ranges of key groups per subtask (Flink's layout), so rescaling moves whole ranges. */
export function subtaskForKeyGroup(keyGroup: number, maxParallelism: number, parallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** Whether a key is this subtask's (its key group in the subtask's range): what a rescaled keyed operator keeps on restore. */
export function ownsKey(ctx: { readonly maxParallelism: number; readonly parallelism: number; readonly subtask: number }): (key: NormalizedKey) => boolean {
  const { maxParallelism, parallelism, subtask } = ctx;
  return (key) => subtaskForKeyGroup(keyGroupOf(key, maxParallelism), maxParallelism, parallelism) === subtask;
}
