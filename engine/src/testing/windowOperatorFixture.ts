import type { HarnessSnapshot } from "./OperatorHarness.js";

/** The records, results and steps the window operator path tests (aligned, sliced) feed and compare. */

export interface Ev {
  k: string;
  ts: number;
  v: number;
}

/** One firing as the tests' window function emits it. */
export interface Out {
  key: unknown;
  start: number;
  end: number;
  value: unknown;
  firing: number;
  late: boolean;
}

/** A record, or a watermark. */
export type Step = { wm: number } | Ev;

/** `snapshot` through JSON, as checkpoints are stored (JSON has no -Infinity: a marker string stands for it). */
export function throughJson(snapshot: HarnessSnapshot): HarnessSnapshot {
  return JSON.parse(
    JSON.stringify(snapshot, (_k, v) => (v === Number.NEGATIVE_INFINITY ? "-inf" : v)),
    (_k, v) => (v === "-inf" ? Number.NEGATIVE_INFINITY : v),
  );
}
