/**
 * Flink's DATE_FORMAT(timestamp, pattern): the TIMESTAMP's wall-clock fields (Sluice keeps them as
 * UTC milliseconds, as it prints them) written with a java.time DateTimeFormatter pattern. The
 * numeric letters nexmark and Flink's docs use are supported (y, M, d, H, m, s, S, with their widths)
 * and quoted literals; any other pattern letter is an error rather than a silently different text.
 * Hand-written rather than a date library: the subset is a dozen lines and needs Java's letters, not
 * the Unicode/moment dialects the JavaScript libraries speak.
 */
import { SluiceError } from "../../errors/errors.js";

type Part = string | ((d: Date) => string);

const FIELDS: Record<string, (d: Date) => number> = {
  y: (d) => d.getUTCFullYear(),
  M: (d) => d.getUTCMonth() + 1,
  d: (d) => d.getUTCDate(),
  H: (d) => d.getUTCHours(),
  m: (d) => d.getUTCMinutes(),
  s: (d) => d.getUTCSeconds(),
};

const formatters = new Map<string, Part[]>();

/** The pattern's parts; throws for a letter Sluice cannot format (the planner checks literal patterns with it). */
export function compileDatePattern(pattern: string): Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new SluiceError(`DATE_FORMAT pattern '${pattern}' has an unterminated quote`);
      parts.push(end === i + 1 ? "'" : pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      parts.push(ch);
      i++;
      continue;
    }
    let width = 1;
    while (pattern[i + width] === ch) width++;
    i += width;
    const field = FIELDS[ch];
    if (ch === "y" && width === 2) parts.push((d) => String(d.getUTCFullYear() % 100).padStart(2, "0"));
    else if (field) parts.push((d) => String(field(d)).padStart(width, "0"));
    else if (ch === "S") parts.push((d) => String(d.getUTCMilliseconds()).padStart(3, "0").padEnd(width, "0").slice(0, width));
    else throw new SluiceError(`DATE_FORMAT pattern letter '${ch}' is not supported yet (y, M, d, H, m, s and S are)`);
  }
  return parts;
}

export function dateFormat(ts: unknown, pattern: unknown): unknown {
  if (ts === null || ts === undefined || pattern === null || pattern === undefined) return null;
  const text = String(pattern);
  let parts = formatters.get(text);
  if (!parts) {
    parts = compileDatePattern(text);
    formatters.set(text, parts);
  }
  const d = new Date(ts as number);
  let out = "";
  for (const p of parts) out += typeof p === "string" ? p : p(d);
  return out;
}
