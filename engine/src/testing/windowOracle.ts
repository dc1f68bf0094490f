/**
 * DuckDB as the oracle of event-time windows with allowed lateness (for tests): with one record per
 * batch and one source subtask, the watermark a record meets is exactly max(earlier timestamps) -
 * bound - 1, so SQL derives which records are dropped as too late, which windows fire late, and the
 * final aggregate of every window. The engine's side: `finalWindows` folds its firings the same way.
 */
import type { Stats } from "../windows/AggregateFunction.js";
import type { WindowResult } from "../windows/WindowFunction.js";

/** A window's last firing, and how many times it fired. */
export interface FinalWindow {
  k: string;
  start: number;
  n: number;
  s: number;
  mn: number;
  mx: number;
  av: number;
  firings: number;
}

/**
 * SQL (a WITH clause, to be followed by a SELECT over `q`) of the (record, window) pairs of `table`
 * (columns idx, k, ts, v; idx the arrival order) with the watermark each record met and whether it
 * was dropped (`dropped`) or came after its window's end (`after_end`). `windowStarts` is an SQL
 * list expression of the starts of a record's windows.
 */
export function windowPairsSql(table: string, windowStarts: string, size: number, bound: number, lateness: number): string {
  return `
    WITH w AS (
      SELECT *, max(ts) OVER (ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - ${bound} - 1 AS wm FROM ${table}),
    p AS (SELECT w.*, unnest(${windowStarts}) AS start FROM w),
    q AS (SELECT *, (wm IS NOT NULL AND start + ${size} - 1 + ${lateness} <= wm) AS dropped,
                    (wm IS NOT NULL AND start + ${size} - 1 <= wm) AS after_end FROM p)`;
}

/** After `windowPairsSql`: each window's final aggregate and firings (one on time if any record was, one per late record). */
export const FINAL_WINDOWS_SQL = `
    SELECT k, start, count(*) AS n, sum(v) AS s, min(v) AS mn, max(v) AS mx, avg(v) AS av,
           (CASE WHEN count(*) FILTER (WHERE NOT after_end) > 0 THEN 1 ELSE 0 END) + count(*) FILTER (WHERE after_end) AS firings
    FROM q WHERE NOT dropped GROUP BY k, start ORDER BY k, start`;

/** DuckDB's rows of `FINAL_WINDOWS_SQL` as `FinalWindow`s. */
export function toFinalWindows(result: readonly Record<string, unknown>[]): FinalWindow[] {
  return result.map((r) => ({ k: r.k as string, start: Number(r.start), n: Number(r.n), s: Number(r.s), mn: Number(r.mn), mx: Number(r.mx), av: Number(r.av), firings: Number(r.firings) }));
}

/** The engine's firings folded to each window's last, counted; problems (firing numbers out of step) are returned, not thrown. */
export function finalWindows(results: readonly WindowResult<string, Stats>[]): { rows: FinalWindow[]; problems: string[] } {
  const finals = new Map<string, FinalWindow>();
  const problems: string[] = [];
  for (const r of results) {
    const id = `${r.key}|${r.start}`;
    const prev = finals.get(id);
    if (prev !== undefined && r.firing !== prev.firings) problems.push(`firing numbers of ${id} count up by one: ${r.firing} after ${prev.firings - 1}`);
    if (r.firing > 0 && !r.late) problems.push(`re-firing ${r.firing} of ${id} not caused by a late record`);
    finals.set(id, { k: r.key, start: r.start, n: r.value.count, s: r.value.sum, mn: r.value.min, mx: r.value.max, av: r.value.avg, firings: r.firing + 1 });
  }
  return { rows: [...finals.values()].sort((a, b) => a.k.localeCompare(b.k) || a.start - b.start), problems };
}

/** The first difference between two window lists (averages within 1e-9), or undefined. */
export function firstWindowDifference(actual: readonly FinalWindow[], expected: readonly FinalWindow[]): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} windows, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const same = a.k === e.k && a.start === e.start && a.n === e.n && a.s === e.s && a.mn === e.mn && a.mx === e.mx && a.firings === e.firings;
    if (!same || Math.abs(a.av - e.av) > 1e-9 * Math.max(1, Math.abs(e.av))) return `window ${e.k}@${e.start}: ${JSON.stringify(a)} vs ${JSON.stringify(e)}`;
  }
  return undefined;
}
