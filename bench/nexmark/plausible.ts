/**
 * Whether one timed run's marginal rate can be believed. A run times a job of `small` events and one of
 * `events` events and divides the difference of their times (sluiceRun.ts, flink/.../Measure.java).
 * When the two jobs' times are close, the difference is mostly noise: a JVM's process CPU time has a
 * 10 ms clock and counts its JIT and GC threads, and on a shared machine the small job can take as long
 * as the big one. Such a round once came out negative (a Flink DS q2 round, session 7) and, folded into
 * min–max, made the cell say "-80000k"; others gave 4× the neighbouring rounds. run.ts leaves rejected
 * rounds out of the medians and says in the table how many there were.
 */

/** The timings of one run, as both sides print them (seconds). */
export interface Timing {
  events: number;
  small: number;
  wallSmall: number;
  wallBig: number;
  cpuSmall: number;
  cpuBig: number;
}

/**
 * The marginal rate may exceed the big job's own average rate by at most this factor. With a fixed cost
 * F per job and a cost m per event, marginal / average = (F + e·m) / (e·m) · (e − s) / e; above 3 with
 * s = e/5 it needs F > 2·e·m, a job whose fixed cost is twice the full job's per-event work: there the
 * method does not resolve the rate, so the round says nothing either way.
 */
export const MAX_MARGINAL_OVER_AVERAGE = 3;

/** Which of a run's two timings: process CPU time or wall time. They are judged apart (a round can be plausible in one). */
export type Clock = "CPU" | "wall";

/** Why a run's `clock` rate (both when not given) is not to be believed, or undefined when it is plausible. */
export function implausible(t: Timing, clock?: Clock): string | undefined {
  const marginal = t.events - t.small;
  if (!(marginal > 0)) return `events ${t.events} not above small ${t.small}`;
  for (const [what, small, big] of [
    ["CPU", t.cpuSmall, t.cpuBig],
    ["wall", t.wallSmall, t.wallBig],
  ] as const) {
    if (clock !== undefined && clock !== what) continue;
    if (!(big - small > 0)) return `${what} time of the ${t.small}-event job (${small.toFixed(3)} s) not below the ${t.events}-event job's (${big.toFixed(3)} s)`;
    const overAverage = (big * marginal) / (t.events * (big - small));
    if (overAverage > MAX_MARGINAL_OVER_AVERAGE) {
      return `marginal ${what} rate ${overAverage.toFixed(1)}× the ${t.events}-event job's average (${small.toFixed(3)} s vs ${big.toFixed(3)} s): the difference is noise`;
    }
  }
  return undefined;
}
