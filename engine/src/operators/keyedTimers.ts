import { normalizeKey, type NormalizedKey } from "../graph/keys.js";
import type { KeyedStateSnapshot } from "../state/KeyedStateStore.js";
import type { TimerQueue } from "../time/TimerQueue.js";

/** A keyed operator's checkpoint: its keyed state and its event- and processing-time timers (per key, no namespace). */
export interface KeyedTimersSnapshot {
  state: KeyedStateSnapshot;
  eventTimers: [number, unknown][];
  processingTimers: [number, unknown][];
}

/** The timers of `queue` as a checkpoint holds them: [timestamp, key]. */
export function timersSnapshot(queue: TimerQueue<undefined>): [number, unknown][] {
  return queue.all().map((t) => [t.timestamp, t.key]);
}

/** Registers again the timers of the keys `owns` keeps (after rescaling, the others are another subtask's). */
export function restoreTimers(queue: TimerQueue<undefined>, timers: readonly [number, unknown][], owns: (key: NormalizedKey) => boolean): void {
  for (const [ts, key] of timers) {
    const nk = normalizeKey(key);
    if (owns(nk)) queue.register(ts, key, nk, undefined, "");
  }
}
