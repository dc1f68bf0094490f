/**
 * JSON with the values state commonly holds and plain JSON loses: ±Infinity and NaN (watermarks,
 * min/max accumulators), -0, bigint, Date, Map and Set. Tagged as `{"$t": type, "v": value}`.
 */
export function encodeCheckpoint(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    // `this[key]` is the raw value: Dates are already strings in `v` because of toJSON.
    const raw = this[key];
    if (typeof raw === "number" && !Number.isFinite(raw)) return { $t: "num", v: String(raw) };
    if (typeof raw === "bigint") return { $t: "big", v: raw.toString() };
    if (raw instanceof Date) return { $t: "date", v: raw.getTime() };
    if (raw instanceof Map) return { $t: "map", v: [...raw] };
    if (raw instanceof Set) return { $t: "set", v: [...raw] };
    return v;
  });
}

export function decodeCheckpoint(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === "object" && "$t" in v && "v" in v) {
      const tagged = v as { $t: string; v: unknown };
      switch (tagged.$t) {
        case "num":
          return Number(tagged.v);
        case "big":
          return BigInt(tagged.v as string);
        case "date":
          return new Date(tagged.v as number);
        case "map":
          return new Map(tagged.v as [unknown, unknown][]);
        case "set":
          return new Set(tagged.v as unknown[]);
      }
    }
    return v;
  });
}
