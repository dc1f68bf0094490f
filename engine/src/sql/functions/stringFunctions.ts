/**
 * Flink's SPLIT_INDEX and REGEXP_EXTRACT (nexmark q21, q22), as Flink's SqlFunctionUtils defines them:
 * NULL when an argument is NULL, the index is out of range, the pattern does not match or the group
 * did not take part in the match. Patterns are compiled once per distinct pattern text (Flink caches
 * them too); Java and JavaScript regular expressions agree on the common syntax, not on every feature.
 */
type V = unknown;

/** SPLIT_INDEX(str, separator, index): the index-th (0-based) piece of str split at separator, all empty pieces kept. */
export function splitIndex(s: V, separator: V, index: V): V {
  if (s === null || s === undefined || separator === null || separator === undefined || index === null || index === undefined) return null;
  const i = Number(index);
  if (i < 0) return null;
  const pieces = String(s).split(String(separator));
  return i < pieces.length ? (pieces[i] as string) : null;
}

const patterns = new Map<string, RegExp | null>();

/** REGEXP_EXTRACT(str, regex[, group]): the group (default 0, the whole match) of the first match. */
export function regexpExtract(s: V, regex: V, group: V = 0): V {
  if (s === null || s === undefined || regex === null || regex === undefined || group === null || group === undefined) return null;
  const text = String(regex);
  let pattern = patterns.get(text);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(text);
    } catch {
      pattern = null; // Flink returns NULL for an invalid pattern (it logs the PatternSyntaxException)
    }
    if (patterns.size < 1000) patterns.set(text, pattern);
  }
  const m = pattern?.exec(String(s));
  return m?.[Number(group)] ?? null;
}
