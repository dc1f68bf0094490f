import type { NormalizedKey } from "../graph/keys.js";
import { TimeWindow } from "../windows/TimeWindow.js";

/** Copies an accumulator for a checkpoint; primitives (counts, sums) need no copy. */
export function cloneAccumulator(acc: unknown): unknown {
  return typeof acc === "object" && acc !== null ? structuredClone(acc) : acc;
}

/** Contents of one window of one key. */
export interface WindowEntry {
  /** The canonical window object; timers and triggers use this one so its id is built once. */
  readonly window: TimeWindow;
  acc: unknown;
  /** No records since creation or the last purge: firing emits nothing. */
  empty: boolean;
  /** Firings so far (0 before the first). */
  firings: number;
  triggerState: Record<string, unknown> | undefined;
  cleanupRegistered: boolean;
  /**
   * Transient cache of event-time timers registered for this window that are still in the future, so
   * the per-record `registerEventTimeTimer` of the event-time trigger skips the timer queue.
   */
  pendingTimers: number[] | undefined;
}

/** Windows of one key, indexed by start (then end), which is how assigners hand them out. */
export interface KeyWindows {
  readonly key: unknown;
  readonly byStart: Map<number, WindowEntry[]>;
  count: number;
}

export interface WindowStoreSnapshot {
  keys: { key: unknown; normKey: NormalizedKey; windows: [number, number, unknown, boolean, number, Record<string, unknown> | null][] }[];
}

/** Window contents of a window operator subtask, per key. Plain maps; no string building on the hot path. */
export class WindowStore {
  private readonly keys = new Map<NormalizedKey, KeyWindows>();

  get(normKey: NormalizedKey): KeyWindows | undefined {
    return this.keys.get(normKey);
  }

  forKey(normKey: NormalizedKey, key: unknown): KeyWindows {
    let ks = this.keys.get(normKey);
    if (ks === undefined) {
      ks = { key, byStart: new Map(), count: 0 };
      this.keys.set(normKey, ks);
    }
    return ks;
  }

  dropKey(normKey: NormalizedKey): void {
    this.keys.delete(normKey);
  }

  find(ks: KeyWindows, window: TimeWindow): WindowEntry | undefined {
    const list = ks.byStart.get(window.start);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (list[i]!.window.end === window.end) return list[i];
    return undefined;
  }

  has(ks: KeyWindows, entry: WindowEntry): boolean {
    return ks.byStart.get(entry.window.start)?.includes(entry) ?? false;
  }

  add(ks: KeyWindows, window: TimeWindow, acc: unknown): WindowEntry {
    const entry: WindowEntry = { window, acc, empty: true, firings: 0, triggerState: undefined, cleanupRegistered: false, pendingTimers: undefined };
    const list = ks.byStart.get(window.start);
    if (list === undefined) ks.byStart.set(window.start, [entry]);
    else list.push(entry);
    ks.count++;
    return entry;
  }

  remove(ks: KeyWindows, entry: WindowEntry): void {
    const list = ks.byStart.get(entry.window.start);
    if (list === undefined) return;
    const i = list.indexOf(entry);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) ks.byStart.delete(entry.window.start);
    ks.count--;
  }

  entries(ks: KeyWindows): WindowEntry[] {
    const out: WindowEntry[] = [];
    for (const list of ks.byStart.values()) out.push(...list);
    return out;
  }

  /** Number of open windows over all keys. */
  size(): number {
    let n = 0;
    for (const ks of this.keys.values()) n += ks.count;
    return n;
  }

  snapshot(): WindowStoreSnapshot {
    return {
      keys: [...this.keys].map(([normKey, ks]) => ({
        key: ks.key,
        normKey,
        windows: this.entries(ks).map((e): [number, number, unknown, boolean, number, Record<string, unknown> | null] => [
          e.window.start,
          e.window.end,
          cloneAccumulator(e.acc),
          e.empty,
          e.firings,
          e.triggerState === undefined ? null : structuredClone(e.triggerState),
        ]),
      })),
    };
  }

  restore(snapshot: WindowStoreSnapshot, accept: (normKey: NormalizedKey) => boolean): void {
    for (const k of snapshot.keys) {
      if (!accept(k.normKey)) continue;
      const ks = this.forKey(k.normKey, k.key);
      for (const [start, end, acc, empty, firings, triggerState] of k.windows) {
        const entry = this.add(ks, new TimeWindow(start, end), cloneAccumulator(acc));
        entry.empty = empty;
        entry.firings = firings;
        entry.triggerState = triggerState === null ? undefined : structuredClone(triggerState);
        entry.cleanupRegistered = true;
      }
    }
  }
}
