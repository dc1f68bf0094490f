import type { Expr } from "../ast.js";
import type { NamedItem } from "../selectItems.js";

/**
 * Fired window ends: the columns of an append-only relation that hold the window_end of the event-time
 * window whose firing emitted the row (a window aggregate's window_end, under any alias, through
 * projections and filters). A window fires when the watermark reaches window_end - 1 and sends its rows
 * before it forwards that watermark, and a late row opens no window, so every row arrives with this
 * column ahead of every watermark its input sent before it: no later row has a value at or behind the
 * watermark a downstream operator has seen. Flink's planner has no such property (window_end is no time
 * attribute there, so nexmark q7's join stays a regular join); Sluice uses it to free a regular join's
 * state that no later row can reach (joins/planBoundedJoin.ts), without changing its result.
 */
export type FiredEnds = number[];

/** The fired window ends of a projection's output: the outputs that are such an input column as it is. */
export function projectedFiredEnds(input: FiredEnds | undefined, items: NamedItem[], sourceIndex: (e: Expr) => number | undefined): FiredEnds | undefined {
  if (!input || input.length === 0) return undefined;
  const out = items.flatMap((item, n) => {
    const source = item.expr.kind === "column" ? sourceIndex(item.expr) : undefined;
    return source !== undefined && input.includes(source) ? [n] : [];
  });
  return out.length > 0 ? out : undefined;
}
