import { CheckpointError } from "../errors/errors.js";
import type { NormalizedKey } from "../graph/keys.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import type { AlignedWindows } from "../windows/WindowAssigner.js";
import type { TimerSnapshot, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";
import { cloneAccumulator, type WindowStoreSnapshot } from "./WindowStore.js";

/**
 * A key with records in some live slice, shared by its slices: a firing window gathers its keys through these
 * (a mark and the window's accumulator here) instead of probing a map per key and slice.
 */
export class SliceKey {
  /** Live slices holding the key; at 0 the store forgets it. */
  refs = 0;
  // The firing window's merge, valid while `mark` is that firing's.
  mark = 0;
  acc: unknown;
  seq = 0;
  key: unknown;
  failure: { cause: unknown } | undefined;

  constructor(readonly normKey: NormalizedKey) {}
}

/**
 * One slide-long slice `[start, start + slide)` of a sliding window grid with every key's accumulator of
 * the records in it (Flink's window TVF slicing): a record updates its one slice, and a window is the
 * merge of its size/slide slices when it fires.
 */
export class Slice {
  readonly end: number;
  readonly slots = new Map<NormalizedKey, number>();
  readonly states: SliceKey[] = [];
  readonly keys: unknown[] = [];
  readonly accs: unknown[] = [];
  /** Per slot, when the key's first record in this slice came (operator-wide counter): a window fires its keys in order of their first record in it. */
  readonly seqs: number[] = [];

  constructor(
    readonly start: number,
    slide: number,
  ) {
    this.end = start + slide;
  }
}

/** The slices part of a sliced window operator's checkpoint (beside the general format's empty fields). */
export interface SliceSnapshot {
  size: number;
  slide: number;
  offset: number;
  /** The watermark up to which windows had their on-time firing; null before the first. */
  firedWatermark: number | null;
  seq: number;
  /** [start, [normKey, key, accumulator, seq] per key]. */
  slices: [number, [NormalizedKey, unknown, unknown, number][]][];
  /** Firings so far of windows that fired late for a key: [window end, [normKey, key, firings] per key]. */
  firings: [number, [NormalizedKey, unknown, number][]][];
}

export type SlicedSnapshot = WindowOperatorSnapshot & { slices: SliceSnapshot };

export function isSliced(s: WindowOperatorSnapshot): s is SlicedSnapshot {
  return (s as Partial<SlicedSnapshot>).slices !== undefined;
}

/**
 * Merges `b` into `acc` (a window's own accumulator, or undefined before its first slice). An aggregate's
 * `merge` may change and return its first argument; where it returns a slice's own accumulator that is
 * copied first, since the slice belongs to other windows too.
 */
export function mergeInto<ACC>(agg: AggregateFunction<unknown, ACC, unknown>, acc: ACC | undefined, b: ACC): ACC {
  const merged = agg.merge(acc === undefined ? agg.createAccumulator() : acc, b);
  return merged === b ? (cloneAccumulator(b) as ACC) : merged;
}

/** The slices of an operator subtask by ascending start, its late firings and how far windows fired on time. */
export class SliceStore {
  readonly slices: Slice[] = [];
  /** Keys with records in a live slice. */
  private readonly byKey = new Map<NormalizedKey, SliceKey>();
  firedWatermark = Number.NEGATIVE_INFINITY;
  seq = 0;
  /** Per window end, per key: firings so far, for windows that fired late for the key. */
  readonly lateFirings = new Map<number, Map<NormalizedKey, number>>();
  private lastStart = Number.NaN;
  private last: Slice | undefined;
  private restored = false;

  constructor(readonly aligned: AlignedWindows) {}

  /** The slice starting at `start`, opened if need be. */
  slice(start: number): Slice {
    if (start === this.lastStart) return this.last!;
    const s = this.find(start) ?? this.insert(start);
    this.lastStart = start;
    this.last = s;
    return s;
  }

  /** Makes a slot for the key in `slice` (it has none), with `acc` and the next arrival number. */
  addSlot(slice: Slice, normKey: NormalizedKey, key: unknown, acc: unknown, seq = this.seq++): void {
    let state = this.byKey.get(normKey);
    if (state === undefined) this.byKey.set(normKey, (state = new SliceKey(normKey)));
    state.refs++;
    slice.slots.set(normKey, slice.keys.length);
    slice.states.push(state);
    slice.keys.push(key);
    slice.accs.push(acc);
    slice.seqs.push(seq);
  }

  find(start: number): Slice | undefined {
    const slices = this.slices;
    for (let i = slices.length - 1; i >= 0; i--) {
      const s = slices[i]!.start;
      if (s === start) return slices[i];
      if (s < start) return undefined;
    }
    return undefined;
  }

  private insert(start: number): Slice {
    const slice = new Slice(start, this.aligned.slide);
    const slices = this.slices;
    let i = slices.length;
    while (i > 0 && slices[i - 1]!.start > start) i--;
    if (i === slices.length) slices.push(slice);
    else slices.splice(i, 0, slice);
    this.lastStart = Number.NaN;
    return slice;
  }

  /** Whether the key has records in any slice of the window ending at `end`. */
  has(end: number, normKey: NormalizedKey): boolean {
    for (const s of this.slices) if (s.start >= end - this.aligned.size && s.start < end && s.slots.has(normKey)) return true;
    return false;
  }

  /** Drops slices whose last window's cleanup time (end - 1 + lateness) the watermark reached, and those windows' firing counts. */
  dropExpired(watermark: number, lateness: number): void {
    const { slices } = this;
    const size = this.aligned.size;
    let n = 0;
    while (n < slices.length && slices[n]!.start + size - 1 + lateness <= watermark) n++;
    if (n > 0) {
      for (let i = 0; i < n; i++) for (const state of slices[i]!.states) if (--state.refs === 0) this.byKey.delete(state.normKey);
      slices.splice(0, n);
      this.lastStart = Number.NaN;
    }
    for (const end of this.lateFirings.keys()) if (end - 1 + lateness <= watermark) this.lateFirings.delete(end);
  }

  snapshot(): SlicedSnapshot {
    const { size, slide, offset } = this.aligned;
    const slices = this.slices.map((s): SliceSnapshot["slices"][number] => [s.start, s.states.map((state, i) => [state.normKey, s.keys[i], cloneAccumulator(s.accs[i]), s.seqs[i]!])]);
    const firings = [...this.lateFirings].map(([end, m]): SliceSnapshot["firings"][number] => [end, [...m].map(([nk, n]) => [nk, this.keyOf(end, nk), n])]);
    // JSON has no infinities: none yet is null, the end of input's watermark the largest number (as far for every window).
    const w = this.firedWatermark;
    const firedWatermark = w === Number.NEGATIVE_INFINITY ? null : w === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : w;
    return { windows: { keys: [] }, eventTimers: [], processingTimers: [], slices: { size, slide, offset, firedWatermark, seq: this.seq, slices, firings } };
  }

  private keyOf(end: number, normKey: NormalizedKey): unknown {
    for (const s of this.slices) {
      const i = s.start >= end - this.aligned.size && s.start < end ? s.slots.get(normKey) : undefined;
      if (i !== undefined) return s.keys[i];
    }
    return normKey;
  }

  /**
   * Adds the keys `accept` says are this subtask's (a rescaled job offers every old subtask's checkpoint). The
   * first checkpoint restored says how far windows fired, as the first one to hold a pane does in `PaneStore`.
   */
  restore(s: SliceSnapshot, accept: (normKey: NormalizedKey) => boolean): void {
    if (!this.restored) this.firedWatermark = s.firedWatermark ?? Number.NEGATIVE_INFINITY;
    this.restored = true;
    this.seq = Math.max(this.seq, s.seq);
    for (const [start, entries] of s.slices) {
      const mine = entries.filter(([nk]) => accept(nk));
      if (mine.length === 0) continue;
      const slice = this.find(start) ?? this.insert(start);
      for (const [nk, key, acc, seq] of mine) {
        if (slice.slots.has(nk)) throw new CheckpointError(`The checkpoint holds slice [${start}, ${slice.end}) twice for one key`, { key });
        this.addSlot(slice, nk, key, cloneAccumulator(acc), seq);
      }
    }
    for (const [end, entries] of s.firings) {
      for (const [nk, , n] of entries) {
        if (!accept(nk)) continue;
        let m = this.lateFirings.get(end);
        if (m === undefined) this.lateFirings.set(end, (m = new Map()));
        m.set(nk, n);
      }
    }
  }
}

type WindowRow = WindowStoreSnapshot["keys"][number]["windows"][number];

/**
 * A sliced checkpoint in the general operator's per-window format (each live window's slices merged per key,
 * the timers the general path would hold), for a job whose window operator does not slice (another window
 * size, a trigger, the general path chosen).
 */
export function slicesToWindows(s: SliceSnapshot, lateness: number, agg: AggregateFunction<unknown, unknown, unknown>): WindowOperatorSnapshot {
  const { size, slide } = s;
  const fired = s.firedWatermark ?? Number.NEGATIVE_INFINITY;
  const byKey = new Map<NormalizedKey, { key: unknown; normKey: NormalizedKey; windows: WindowRow[] }>();
  const eventTimers: TimerSnapshot[] = [];
  const late = new Map(s.firings.map(([end, entries]) => [end, new Map(entries.map(([nk, , n]) => [nk, n]))]));
  const ends = new Set<number>();
  for (const [start] of s.slices) for (let end = start + slide; end <= start + size; end += slide) if (end - 1 + lateness > fired) ends.add(end);
  for (const end of [...ends].sort((a, b) => a - b)) {
    const merged = new Map<NormalizedKey, { key: unknown; acc: unknown; seq: number }>();
    for (const [start, entries] of s.slices) {
      if (start < end - size || start >= end) continue;
      for (const [nk, key, acc, seq] of entries) {
        const m = merged.get(nk);
        if (m === undefined) merged.set(nk, { key, acc: mergeInto(agg, undefined, acc), seq });
        else {
          m.acc = mergeInto(agg, m.acc, acc);
          if (seq < m.seq) {
            m.seq = seq;
            m.key = key;
          }
        }
      }
    }
    for (const [nk, m] of [...merged].sort((a, b) => a[1].seq - b[1].seq)) {
      let k = byKey.get(nk);
      if (k === undefined) byKey.set(nk, (k = { key: m.key, normKey: nk, windows: [] }));
      const firings = late.get(end)?.get(nk) ?? (end - 1 <= fired ? 1 : 0);
      k.windows.push([end - size, end, m.acc, false, firings, null]);
      if (end - 1 > fired) eventTimers.push([end - 1, m.key, end - size, end]);
      if (lateness > 0) eventTimers.push([end - 1 + lateness, m.key, end - size, end]);
    }
  }
  eventTimers.sort((a, b) => a[0] - b[0]);
  return { windows: { keys: [...byKey.values()] }, eventTimers, processingTimers: [] };
}
