/**
 * How record values become JSON in a recording, and back. Plain JSON data (objects, arrays,
 * strings, finite numbers, booleans, null) is written as is. Two common non-JSON types get a
 * tagged object, so a `bytes` Kafka source or a parsed date replays as what it was:
 *
 *   Uint8Array / Buffer → {"$bytes": "<base64>"}   (read back as a Buffer, which is a Uint8Array)
 *   Date               → {"$date": "<ISO 8601>"}
 *
 * Everything else JSON would silently change (NaN/±Infinity → null, Map/Set → {}, a class
 * instance losing its prototype, bigint, functions, undefined in an array) is refused with a
 * `ValueNotRepresentable`, so a replay never differs quietly from the live run; such values need
 * a `codec` (see `RecordingCodec`). An `undefined` object property is dropped, as it reads back
 * the same (absent). Objects whose only key is a tag are reserved and refused as well.
 */

const BYTES = "$bytes";
const DATE = "$date";
const RESERVED = new Set([BYTES, DATE]);

/** A value cannot be written without changing it on replay. `path` names the innermost field, e.g. `.price` or `[2]`. */
export class ValueNotRepresentable extends Error {
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${what}${path === "" ? "" : ` at ${path}`} cannot be recorded as JSON without changing on replay; pass a codec to recorded()`);
  }
}

/** The JSON text for one value (tags applied). Throws `ValueNotRepresentable`. */
export function encodeValue(value: unknown): string {
  if (value === undefined) throw new ValueNotRepresentable("", "undefined");
  // The replacer sees each value before its toJSON (via the holder), so a Date or Buffer is caught
  // as itself, not as the string/object its toJSON makes.
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, jsonValue: unknown) {
      const raw = this[key];
      const where = key === "" ? "" : Array.isArray(this) ? `[${key}]` : `.${key}`;
      if (raw instanceof Uint8Array) return { [BYTES]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64") };
      if (raw instanceof Date) {
        if (Number.isNaN(raw.getTime())) throw new ValueNotRepresentable(where, "an invalid Date");
        return { [DATE]: raw.toISOString() };
      }
      switch (typeof raw) {
        case "number":
          if (!Number.isFinite(raw)) throw new ValueNotRepresentable(where, String(raw));
          return raw;
        case "bigint":
        case "function":
        case "symbol":
          throw new ValueNotRepresentable(where, `a ${typeof raw}`);
        case "undefined":
          if (Array.isArray(this)) throw new ValueNotRepresentable(where, "undefined in an array");
          return undefined;
        case "object": {
          if (raw === null || Array.isArray(raw)) return jsonValue;
          const proto = Object.getPrototypeOf(raw) as object | null;
          if (proto !== Object.prototype && proto !== null) {
            const name = (raw as { constructor?: { name?: string } }).constructor?.name ?? "object";
            throw new ValueNotRepresentable(where, `a ${name} instance`);
          }
          const keys = Object.keys(raw);
          if (keys.length === 1 && RESERVED.has(keys[0]!)) throw new ValueNotRepresentable(where, `an object whose only key is the reserved "${keys[0]}"`);
          return jsonValue;
        }
        default:
          return jsonValue;
      }
    },
    undefined,
  );
}

/** Parses JSON text written by `encodeValue` (or a whole recording line), restoring tagged values. */
export function decodeJson(text: string): unknown {
  // Most lines hold no tag; skipping the reviver for them keeps replay close to plain JSON.parse speed.
  return text.includes('"$') ? JSON.parse(text, revive) : JSON.parse(text);
}

function revive(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tagged = (value as Record<string, unknown>)[keys[0]!];
  if (typeof tagged !== "string") return value;
  if (keys[0] === BYTES) return Buffer.from(tagged, "base64");
  if (keys[0] === DATE) return new Date(tagged);
  return value;
}
