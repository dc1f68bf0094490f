import { ownsKey, type NormalizedKey } from "../graph/keys.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { TimeWindow, windowStart } from "../windows/TimeWindow.js";
import { AlignedWindowBase } from "./AlignedWindowBase.js";
import { AlignedWindowOperator } from "./AlignedWindowOperator.js";
import type { Operator, OperatorContext } from "./Operator.js";
import { mergeInto, type Slice, type SliceKey, type SlicedSnapshot, SliceStore } from "./SliceStore.js";
import type { WindowOperatorConfig } from "./WindowOperatorConfig.js";
import { forEachRecord } from "./forEachRecord.js";

/**
 * The aligned window operator for sliding event-time windows whose aggregate merges (Flink's window TVF
 * slicing, SliceSharedWindowAggProcessor): a record updates the accumulator of its key in ONE slide-long
 * slice instead of one per window (nexmark q5's HOP(10 s, 2 s): one map probe and add per record, not five),
 * and a window's result is the merge of its size/slide slices when the watermark passes its end.
 *
 * Same results as `AlignedWindowOperator` — keys fire in order of their first record in the window, late
 * records within the allowed lateness re-fire their key's windows at once with the same firing counts, later
 * ones go to the late side output — for aggregates whose `merge` gives what adding the records in order
 * gives (a reduce function or aggregate that depends on the records' order may differ). Differs in one case:
 * a record stays in all its windows when the window function throws on its late firing (the general path
 * leaves it out of the windows after the one that threw).
 *
 * Checkpoints hold slices (`SliceStore.snapshot`); `WindowOperator` restores per-window checkpoints of the
 * other paths into the pane operator, as windows cannot be cut back into slices.
 */
export class SlicedWindowOperator<IN, ACC, R, OUT, K> extends AlignedWindowBase<IN, ACC, R, OUT, K> implements Operator<IN> {
  /** Sliding (not tumbling: one slice per window gains nothing) windows on a grid of whole slides, records not naming their window, an aggregate that may be split. */
  static supports(config: WindowOperatorConfig<unknown, unknown, unknown, unknown, unknown>): boolean {
    const aligned = config.assigner.aligned;
    return (
      config.sliceable === true &&
      AlignedWindowOperator.supports(config) &&
      aligned !== undefined &&
      aligned.windowOf === undefined &&
      aligned.slide < aligned.size &&
      aligned.size % aligned.slide === 0
    );
  }

  readonly store: SliceStore;
  private readonly merge: AggregateFunction<unknown, ACC, unknown>;
  // A firing window's keys, reused between firings, and the firing's mark on them.
  private readonly gathered: SliceKey[] = [];
  private mark = 0;

  constructor(config: WindowOperatorConfig<IN, ACC, R, OUT, K>, ctx: OperatorContext<OUT>) {
    super(config, ctx);
    this.store = new SliceStore(this.aligned);
    this.merge = config.aggregate as unknown as AggregateFunction<unknown, ACC, unknown>;
  }

  protected addRecord(value: IN, timestamp: number, key: K, normKey: NormalizedKey): void {
    const watermark = this.ctx.currentWatermark();
    const { size, slide, lateness } = this;
    const start = windowStart(timestamp, this.offset, slide);
    // The record's windows end at start + slide, …, start + size; the last one is the last to expire.
    if (start + size - 1 + lateness <= watermark) {
      this.dropLate(value, timestamp);
      return;
    }
    const slice = this.store.slice(start);
    if (start + slide - 1 > watermark) {
      this.add(slice, key, normKey, value);
      return;
    }
    this.addLate(slice, key, normKey, value, watermark);
  }

  /** Adds `value` to the key's accumulator in `slice`. */
  private add(slice: Slice, key: unknown, normKey: NormalizedKey, value: IN): void {
    const i = slice.slots.get(normKey);
    if (i !== undefined) {
      slice.accs[i] = this.aggregate.add(value, slice.accs[i] as ACC);
      return;
    }
    // The slot is made after `add` succeeds, so a throwing add leaves no window behind.
    this.store.addSlot(slice, normKey, key, this.aggregate.add(value, this.aggregate.createAccumulator()));
  }

  /**
   * A record for windows the watermark passed: EventTimeTrigger fires each that is within the allowed lateness
   * again at once for its key, latest window first (the assigner's order), counting the firings as the pane
   * operator does: one on-time firing if the key was in the window when it fired, then one per late firing.
   */
  private addLate(slice: Slice, key: unknown, normKey: NormalizedKey, value: IN, watermark: number): void {
    const { size, slide, lateness, store } = this;
    const ends: number[] = [];
    const counts: number[] = [];
    for (let end = slice.start + size; end >= slice.end; end -= slide) {
      if (end - 1 > watermark || end - 1 + lateness <= watermark) continue;
      ends.push(end);
      const n = store.lateFirings.get(end)?.get(normKey);
      counts.push(n ?? (end - 1 <= store.firedWatermark && store.has(end, normKey) ? 1 : 0));
    }
    this.add(slice, key, normKey, value);
    for (let j = 0; j < ends.length; j++) {
      const end = ends[j]!;
      let acc: ACC | undefined;
      for (const s of store.slices) {
        const i = s.start >= end - size && s.start < end ? s.slots.get(normKey) : undefined;
        if (i !== undefined) acc = mergeInto(this.merge, acc, s.accs[i] as ACC);
      }
      this.window = new TimeWindow(end - size, end);
      this.firing = counts[j]!;
      this.firingLate = true;
      let m = store.lateFirings.get(end);
      if (m === undefined) store.lateFirings.set(end, (m = new Map()));
      m.set(normKey, this.firing + 1);
      this.config.emit(key as K, this.windowCtx, this.aggregate.getResult(acc as ACC), this.collector);
    }
  }

  onWatermark(watermark: number): void {
    const { store, size, slide } = this;
    const fired = store.firedWatermark;
    if (watermark > fired) {
      let next = Number.NEGATIVE_INFINITY;
      // Each window ending in (fired + 1, watermark + 1] that has a slice, in order of its end.
      for (const s of store.slices) {
        if (s.end - 1 > watermark) break;
        let end = Math.max(s.end, next);
        if (end - 1 <= fired) end += (Math.floor((fired + 1 - end) / slide) + 1) * slide;
        for (; end <= s.start + size && end - 1 <= watermark; end += slide) this.fireOnTime(end);
        next = end;
      }
      store.firedWatermark = watermark;
    }
    store.dropExpired(watermark, this.lateness);
  }

  /** The watermark passed the window's end: each of its keys fires with its slices merged, in order of its first record in the window. */
  private fireOnTime(end: number): void {
    const { gathered } = this;
    const mark = ++this.mark;
    const from = end - this.size;
    let n = 0;
    let ordered = true;
    for (const s of this.store.slices) {
      if (s.start < from) continue;
      if (s.start >= end) break;
      const { states, accs, seqs, keys } = s;
      for (let j = 0; j < states.length; j++) {
        const state = states[j]!;
        const seq = seqs[j]!;
        if (state.mark !== mark) {
          state.mark = mark;
          state.failure = undefined;
          state.acc = this.tryMerge(state, undefined, accs[j] as ACC);
          state.seq = seq;
          state.key = keys[j];
          if (n > 0 && seq < gathered[n - 1]!.seq) ordered = false;
          gathered[n++] = state;
          continue;
        }
        if (state.failure === undefined) state.acc = this.tryMerge(state, state.acc as ACC, accs[j] as ACC);
        // The key as its first record in the window gave it (keys equal as keys may differ, as 0 and -0).
        if (seq < state.seq) {
          state.seq = seq;
          state.key = keys[j];
          ordered = false;
        }
      }
    }
    gathered.length = n;
    if (!ordered && this.config.anyKeyOrder !== true) gathered.sort((a, b) => a.seq - b.seq);
    const window = new TimeWindow(from, end);
    this.window = window;
    this.firingLate = false;
    const late = this.store.lateFirings.get(end);
    forEachRecord(
      n,
      (i) => {
        const state = gathered[i]!;
        this.key = state.key;
        if (state.failure !== undefined) throw state.failure.cause;
        this.firing = late?.get(state.normKey) ?? 0;
        this.config.emit(state.key as K, this.windowCtx, this.aggregate.getResult(state.acc as ACC), this.collector);
      },
      (i, cause) => this.ctx.userError(cause, { window: window.toString() }, end - 1, gathered[i]!.key),
    );
    for (let i = 0; i < n; i++) {
      const state = gathered[i]!;
      state.acc = undefined;
      state.key = undefined;
      state.failure = undefined;
    }
    gathered.length = 0;
  }

  /** A throwing merge fails that key's firing alone (reported when its turn comes). */
  private tryMerge(state: SliceKey, acc: ACC | undefined, b: ACC): ACC | undefined {
    try {
      return mergeInto(this.merge, acc, b);
    } catch (cause) {
      state.failure = { cause };
      return acc;
    }
  }

  snapshotState(): SlicedSnapshot {
    return this.store.snapshot();
  }

  restoreSlices(state: SlicedSnapshot): void {
    this.store.restore(state.slices, ownsKey(this.ctx));
  }
}
