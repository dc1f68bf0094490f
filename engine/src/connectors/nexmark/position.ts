import { lcm } from "../../math/integers.js";

/**
 * Where a Nexmark reader resumes: its next event number and how many it has produced; after a restore at
 * another parallelism, also which events the old subtasks had read (`read`), so that no event is read twice
 * or lost whichever subtask owns it now.
 */
export interface NexmarkPosition {
  next: number;
  produced: number;
  read?: ReadEvents;
}

/**
 * Events read before, as a threshold per residue class: event `e` was read iff `e < below[e % stride]`.
 * Subtask `s` of `p` reads the class `s` mod `p` in order, so what it has read is one threshold in that class;
 * the union of such sets over subtasks (and over earlier restores) is one threshold per class modulo the
 * least common multiple of their parallelisms.
 */
export interface ReadEvents {
  stride: number;
  below: number[];
}

/**
 * The events read by all subtasks of a checkpoint (`positions` in subtask order: subtask `s` of
 * `positions.length` read the class `s` up to its `next`), as one position every new subtask restores from.
 */
export function mergeNexmarkPositions(positions: readonly unknown[]): NexmarkPosition {
  const old = positions as readonly NexmarkPosition[];
  const p = old.length;
  if (p === 0 || old.some((o) => typeof o?.next !== "number")) throw new Error(`not Nexmark positions: ${JSON.stringify(positions).slice(0, 200)}`);
  let stride = p;
  for (const o of old) if (o.read) stride = lcm(stride, o.read.stride);
  if (stride > 10_000) throw new Error(`the parallelisms of earlier restores make ${stride} residue classes to track`);
  const below = Array.from({ length: stride }, (_, c) => {
    let threshold = (old[c % p] as NexmarkPosition).next;
    for (const o of old) if (o.read) threshold = Math.max(threshold, o.read.below[c % o.read.stride] as number);
    return threshold;
  });
  // next < 0: each new subtask starts at its class's first event. The rate restarts with the restored job.
  return { next: -1, produced: 0, read: { stride, below } };
}

/** Whether event `e` was read before the restore. */
export function readBefore(read: ReadEvents | undefined, e: number): boolean {
  return read !== undefined && e < (read.below[e % read.stride] as number);
}

/** The highest threshold: no event from there on was read before. */
export function readUpTo(read: ReadEvents | undefined): number {
  return read === undefined ? 0 : Math.max(...read.below);
}
