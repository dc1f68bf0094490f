import { messages } from "../errors/messages.js";
import type { PlanNode } from "./JobPlan.js";

/** A source that carries no watermarks into an operator (no strategy, no assigner on the way). */
export interface WatermarkGap {
  readonly source: string;
  readonly bounded: boolean;
}

/** What reaches one node's combined watermark. */
interface Reach {
  /** Sources upstream without watermarks, by name; each holds the minimum back until it ends. */
  readonly gaps: ReadonlyMap<string, WatermarkGap>;
  /** Some input path carries watermarks (a strategy on its source, or an assigner on the way). */
  readonly carries: boolean;
}

const NONE: ReadonlyMap<string, WatermarkGap> = new Map();

/**
 * Plan-time check that every operator waiting for the watermark (an event-time window) can see it
 * advance. An operator's watermark is the minimum over its inputs, and a source without a watermark
 * strategy sends none until its end (a bounded one then sends the final watermark). So:
 * - an unbounded source without watermarks upstream of the window, and no `assignTimestampsAndWatermarks`
 *   in between: it never fires — a problem (`PlanError`), whatever the other inputs carry;
 * - only bounded ones: it fires when they end (all at once if no input carries watermarks, as Flink
 *   does at the end of bounded input) — a warning.
 * `WatermarkStrategy.noWatermarks()` says so on purpose and is not reported. Only what is decidable
 * from the graph is checked: event-time timers of process functions and custom triggers are not.
 */
export function checkWatermarks(nodes: readonly PlanNode[], problems: string[], warnings: string[]): void {
  const reach = new Map<PlanNode, Reach>();
  for (const node of nodes) {
    const r = reachOf(node, reach);
    reach.set(node, r);
    const what = node.node.needsWatermarks;
    if (what === undefined || r.gaps.size === 0) continue;
    const gaps = [...r.gaps.values()];
    const unbounded = gaps.filter((g) => !g.bounded).map((g) => g.source);
    if (unbounded.length > 0) problems.push(messages.windowNeverFires(node.name, what, unbounded, r.carries));
    else
      warnings.push(
        messages.windowFiresAtEndOnly(
          node.name,
          what,
          gaps.map((g) => g.source),
          r.carries,
        ),
      );
  }
}

function reachOf(node: PlanNode, reach: ReadonlyMap<PlanNode, Reach>): Reach {
  const spec = node.node;
  if (spec.source !== undefined) {
    const strategy = spec.source.strategy;
    if (strategy === undefined) return { gaps: new Map([[node.name, { source: node.name, bounded: spec.source.source.bounded }]]), carries: false };
    return { gaps: NONE, carries: strategy.emitsWatermarks };
  }
  if (spec.assignsWatermarks !== undefined) return { gaps: NONE, carries: spec.assignsWatermarks.emitsWatermarks };
  let gaps = NONE;
  let carries = false;
  for (const edge of node.inputs) {
    const r = reach.get(edge.from)!;
    carries ||= r.carries;
    if (r.gaps.size === 0) continue;
    if (gaps === NONE) gaps = r.gaps;
    else if (gaps !== r.gaps) gaps = new Map([...gaps, ...r.gaps]);
  }
  return { gaps, carries };
}
