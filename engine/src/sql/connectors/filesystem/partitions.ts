import { StreamSqlError } from "../../errors.js";

/**
 * Hive-style partition directories as Flink's PartitionPathUtils writes and reads them:
 * `k1=v1/k2=v2/`, names and values escaped as `%XX` for control characters and `"#%'*\/:=?\\{[]^` and DEL.
 */
const ESCAPED = new Set(['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\u007f", "{", "[", "]", "^"]);

export function escapePathName(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || ESCAPED.has(c) ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : c;
  }
  return out;
}

export function unescapePathName(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The relative directory of a row's partition (`dt=2024-01-01/hm=10%3A05/`), values already as strings. */
export function partitionPath(keys: readonly string[], values: readonly string[]): string {
  return keys.map((k, i) => `${escapePathName(k)}=${escapePathName(values[i] as string)}/`).join("");
}

/** The `k=v` components of a relative path, unescaped, in order (Flink's extractPartitionSpecFromPath). */
export function partitionSpec(relative: string): Map<string, string> {
  const spec = new Map<string, string>();
  for (const part of relative.split("/")) {
    const m = /^([^/=]+)=([^/]+)$/.exec(part);
    if (m) spec.set(unescapePathName(m[1] as string), unescapePathName(m[2] as string));
  }
  return spec;
}

/** A partition value as the path text Flink writes: its string form, the default name for NULL or ''. */
export function partitionValue(v: unknown, defaultName: string): string {
  if (v === null || v === undefined || v === "") return defaultName;
  return String(v);
}

/**
 * Flink's default partition time extractor: the pattern (`$dt $hm:00`) with `$key` replaced by the
 * partition's values, or the first value without a pattern, read as `yyyy-MM-dd HH:mm:ss` or
 * `yyyy-MM-dd`, in UTC (the watermark's time zone). Epoch milliseconds.
 */
export function partitionTime(keys: readonly string[], spec: Map<string, string>, pattern: string | undefined): number {
  let text = pattern === undefined ? (spec.get(keys[0] as string) ?? "") : pattern;
  if (pattern !== undefined) {
    // Longest keys first, so `$dt` does not replace the start of `$dtx`.
    for (const k of [...keys].sort((a, b) => b.length - a.length)) text = text.split(`$${k}`).join(spec.get(k) ?? "");
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{1,2}):(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) throw new StreamSqlError("validation", `partition time '${text}' does not match yyyy-MM-dd HH:mm:ss (partition.time-extractor.timestamp-pattern)`, undefined, text);
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}
