import { CheckpointError } from "../errors/errors.js";
import type { NormalizedKey } from "../graph/keys.js";
import { TimeWindow, windowStart } from "../windows/TimeWindow.js";
import type { AlignedWindows } from "../windows/WindowAssigner.js";
import type { TimerSnapshot, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";
import { cloneAccumulator, type WindowStoreSnapshot } from "./WindowStore.js";

/**
 * One aligned window `[start, start + size)` with the contents of every key that has records in it.
 * Keys live in slots (parallel arrays) rather than one object per key and window: a sliding window
 * puts each record in size/slide windows, and per-key-and-window objects were most of the garbage.
 */
export class Pane {
  readonly window: TimeWindow;
  readonly maxTs: number;
  /** Slot of each key, in order of the key's first record (the order its timer would have fired in). */
  readonly slots = new Map<NormalizedKey, number>();
  readonly keys: unknown[] = [];
  readonly accs: unknown[] = [];
  /** The on-time firing happened, or the pane opened after the watermark had passed its end. */
  fired: boolean;
  /** Slots below this index had the on-time firing. */
  onTimeFired = 0;
  /** Per slot, firings other than the on-time one (late records, restored counts); allocated on first use. */
  private otherFirings: number[] | undefined;

  constructor(start: number, size: number, fired: boolean) {
    this.window = new TimeWindow(start, start + size);
    this.maxTs = start + size - 1;
    this.fired = fired;
  }

  /** Firings of slot `i` so far (what `WindowContext.firing` reports for its next one). */
  firings(i: number): number {
    return (i < this.onTimeFired ? 1 : 0) + (this.otherFirings?.[i] ?? 0);
  }

  addFirings(i: number, n: number): void {
    const f = (this.otherFirings ??= []);
    f[i] = (f[i] ?? 0) + n;
  }
}

type WindowSnapshotRow = WindowStoreSnapshot["keys"][number]["windows"][number];

/**
 * The open panes of an aligned window operator subtask, by ascending start (so ascending end), with a
 * cache of the panes the latest record's windows map to: timestamps mostly move forward, so consecutive
 * records share their windows and the lookup is an array read.
 */
export class PaneStore {
  /** Open panes by ascending start. */
  readonly panes: Pane[] = [];
  /** Most windows one record belongs to. */
  readonly perRecord: number;
  private cacheFirst = Number.NaN;
  /** Entry k: the pane starting at `cacheFirst - k·slide`, if open. */
  private readonly cache: (Pane | undefined)[];

  constructor(readonly aligned: AlignedWindows) {
    this.perRecord = Math.ceil(aligned.size / aligned.slide);
    this.cache = new Array<Pane | undefined>(this.perRecord).fill(undefined);
  }

  /** Panes of the windows starting at `first`, `first - slide`, ... (undefined where none is open). Live until the next change. */
  lookup(first: number): (Pane | undefined)[] {
    if (first !== this.cacheFirst) {
      for (let k = 0; k < this.perRecord; k++) this.cache[k] = this.find(first - k * this.aligned.slide);
      this.cacheFirst = first;
    }
    return this.cache;
  }

  /** Opens the pane starting at `start`, the k-th window of the record last passed to `lookup`. */
  open(start: number, k: number, fired: boolean): Pane {
    const pane = this.insert(start, fired);
    this.cache[k] = pane;
    return pane;
  }

  /** Removes the panes whose cleanup time (end - 1 + lateness) the watermark reached. */
  dropExpired(watermark: number, lateness: number): void {
    const panes = this.panes;
    let n = 0;
    while (n < panes.length && panes[n]!.maxTs + lateness <= watermark) n++;
    if (n === 0) return;
    panes.splice(0, n);
    this.cacheFirst = Number.NaN;
  }

  private find(start: number): Pane | undefined {
    const panes = this.panes;
    for (let i = panes.length - 1; i >= 0; i--) {
      const s = panes[i]!.window.start;
      if (s === start) return panes[i];
      if (s < start) return undefined;
    }
    return undefined;
  }

  private insert(start: number, fired: boolean): Pane {
    const pane = new Pane(start, this.aligned.size, fired);
    const panes = this.panes;
    let i = panes.length;
    while (i > 0 && panes[i - 1]!.window.start > start) i--;
    if (i === panes.length) panes.push(pane);
    else panes.splice(i, 0, pane);
    this.cacheFirst = Number.NaN;
    return pane;
  }

  /**
   * The general window operator's checkpoint format: per key its windows, and the timers the general
   * path would hold (on-time firing at end - 1 until it happened, cleanup at end - 1 + lateness).
   */
  snapshot(lateness: number): WindowOperatorSnapshot {
    const byKey = new Map<NormalizedKey, { key: unknown; normKey: NormalizedKey; windows: WindowSnapshotRow[] }>();
    const eventTimers: TimerSnapshot[] = [];
    for (const pane of this.panes) {
      const { start, end } = pane.window;
      for (const [normKey, i] of pane.slots) {
        const key = pane.keys[i];
        let k = byKey.get(normKey);
        if (k === undefined) {
          k = { key, normKey, windows: [] };
          byKey.set(normKey, k);
        }
        k.windows.push([start, end, cloneAccumulator(pane.accs[i]), false, pane.firings(i), null]);
        if (!pane.fired) eventTimers.push([pane.maxTs, key, start, end]);
        if (lateness > 0) eventTimers.push([pane.maxTs + lateness, key, start, end]);
      }
    }
    eventTimers.sort((a, b) => a[0] - b[0]);
    return { windows: { keys: [...byKey.values()] }, eventTimers, processingTimers: [] };
  }

  /**
   * Restores a checkpoint of either window operator path, keeping the keys `accept` says are this
   * subtask's. Returns false, changing nothing, if the checkpoint holds windows an aligned operator
   * cannot represent (other sizes or grid, trigger state, processing-time timers): the caller then
   * restores it into the general operator instead.
   */
  restore(s: WindowOperatorSnapshot, accept: (normKey: NormalizedKey) => boolean): boolean {
    const { size, slide, offset } = this.aligned;
    if (s.processingTimers.length > 0) return false;
    const fits = ([start, end, , , , triggerState]: WindowSnapshotRow) => end - start === size && windowStart(start, offset, slide) === start && triggerState === null;
    const mine = s.windows.keys.filter((k) => accept(k.normKey));
    if (!mine.every((k) => k.windows.every(fits))) return false;
    // A window's on-time firing is pending exactly when some key still has the timer at its end - 1.
    const pending = new Set<number>();
    for (const [ts, , start, end] of s.eventTimers) if (ts === end - 1) pending.add(start);
    for (const k of mine) {
      for (const [start, , acc, empty, firings] of k.windows) {
        // An empty entry (its first add threw) never fires; the aligned path does not keep those.
        if (empty) continue;
        const pane = this.find(start) ?? this.insert(start, !pending.has(start));
        if (pane.slots.has(k.normKey)) throw new CheckpointError(`The checkpoint holds window [${start}, ${start + size}) twice for one key`, { key: k.key });
        const i = pane.keys.length;
        pane.slots.set(k.normKey, i);
        pane.keys.push(k.key);
        pane.accs.push(cloneAccumulator(acc));
        if (firings > 0) pane.addFirings(i, firings);
      }
    }
    return true;
  }
}
