import type { Collector } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../graph/keys.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import type { AggregateFunction } from "../windows/AggregateFunction.js";
import { windowStart } from "../windows/TimeWindow.js";
import { isEventTimeTrigger } from "../windows/Trigger.js";
import type { WindowContext } from "../windows/WindowFunction.js";
import { PaneStore, type Pane } from "./AlignedPanes.js";
import type { Operator, OperatorContext } from "./Operator.js";
import type { WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";
import { forEachRecord } from "./forEachRecord.js";
import { missingTimestamp } from "./missingTimestamp.js";

/**
 * The window operator for the common case — event-time tumbling or sliding windows with the default
 * `EventTimeTrigger` — with the general operator's results (`GeneralWindowOperator`), but built around
 * the fact that such windows are the same for every key and fire all at once:
 *
 * - windows are computed as numbers and one `Pane` per window holds every key's accumulator;
 * - no timers: the watermark fires the panes whose end it passed (keys in order of their first record
 *   in the window, as their timers would have) and drops them after the allowed lateness;
 * - late records within the allowed lateness re-fire their key's window at once, later ones go to the
 *   late side output (or `lateRecordsDropped`), as with the trigger in the general path.
 *
 * Checkpoints use the general operator's format (`PaneStore.snapshot`/`restore`).
 */
export class AlignedWindowOperator<IN, ACC, R, OUT, K> implements Operator<IN> {
  /** Whether `config` is one this operator runs with the same results as the general one. */
  static supports(config: WindowOperatorConfig<unknown, unknown, unknown, unknown, unknown>): boolean {
    const { assigner } = config;
    return assigner.isEventTime && !assigner.merging && assigner.aligned !== undefined && isEventTimeTrigger(config.trigger) && Number.isFinite(config.allowedLateness);
  }

  private readonly store: PaneStore;
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  private readonly lateness: number;
  private readonly windowOf: ((element: unknown) => number) | undefined;
  private readonly keySelector: (value: IN) => K;
  private readonly aggregate: AggregateFunction<IN, ACC, R>;
  // Current key, pane and firing for the window context (no context object per firing).
  private key: unknown;
  private pane: Pane | undefined;
  private firing = 0;
  private firingLate = false;
  private readonly windowCtx: WindowContext<K>;
  private readonly collector: Collector<OUT>;

  constructor(
    private readonly config: WindowOperatorConfig<IN, ACC, R, OUT, K>,
    private readonly ctx: OperatorContext<OUT>,
  ) {
    const aligned = config.assigner.aligned;
    if (aligned === undefined) throw new TypeError(`${config.assigner.toString()} has no aligned windows`);
    this.store = new PaneStore(aligned);
    this.size = aligned.size;
    this.slide = aligned.slide;
    this.offset = aligned.offset;
    this.lateness = config.allowedLateness;
    this.windowOf = aligned.windowOf;
    this.keySelector = config.keySelector;
    this.aggregate = config.aggregate;
    const self = this;
    this.windowCtx = {
      get key() {
        return self.key as K;
      },
      get window() {
        return self.pane!.window;
      },
      get firing() {
        return self.firing;
      },
      get late() {
        return self.firingLate;
      },
      currentWatermark: () => ctx.currentWatermark(),
      currentProcessingTime: () => ctx.clock.now(),
      output: <S>(tag: OutputTag<S>, value: S) => ctx.output.emitSide(tag, value, self.pane!.maxTs),
    };
    this.collector = { collect: (value: OUT) => ctx.output.emit(value, self.pane!.maxTs) };
  }

  processBatch(batch: RecordBatch<IN>): void {
    const { values, timestamps } = batch;
    forEachRecord(
      values.length,
      (i) => this.processElement(values[i]!, timestamps[i]!),
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!, this.key),
    );
  }

  private processElement(value: IN, timestamp: number): void {
    this.key = undefined;
    const key = this.keySelector(value);
    const normKey = normalizeKey(key);
    this.key = key;
    if (Number.isNaN(timestamp)) {
      throw missingTimestamp(this.ctx, key, value);
    }
    const watermark = this.ctx.currentWatermark();
    const { size, slide, lateness, store } = this;
    const { windowOf } = this;
    const first = windowOf === undefined ? windowStart(timestamp, this.offset, slide) : windowOf(value);
    const panes = store.lookup(first);
    // A record naming its window is in that one only.
    const earliest = windowOf === undefined ? timestamp - size : first - slide;
    let skipped = true;
    // Same windows in the same order as the assigner's assignWindows.
    for (let k = 0, start = first; start > earliest; k++, start -= slide) {
      const maxTs = start + size - 1;
      if (maxTs + lateness <= watermark) continue; // past its cleanup time: late for this window
      skipped = false;
      const pane = panes[k] ?? store.open(start, k, maxTs <= watermark);
      const i = this.add(pane, key, normKey, value);
      // EventTimeTrigger: a record for a window the watermark already passed fires it again at once.
      if (maxTs <= watermark) this.fireLate(pane, i);
    }
    if (skipped) {
      const tag = this.config.lateDataTag;
      if (tag !== undefined) this.ctx.output.emitSide(tag, value, timestamp);
      else this.ctx.counters.lateRecordsDropped++;
    }
  }

  /** Adds `value` to the key's accumulator in `pane`; returns the key's slot. */
  private add(pane: Pane, key: unknown, normKey: NormalizedKey, value: IN): number {
    let i = pane.slots.get(normKey);
    if (i !== undefined) {
      pane.accs[i] = this.aggregate.add(value, pane.accs[i] as ACC);
      return i;
    }
    // The slot is made after `add` succeeds, so a throwing add leaves no window behind.
    const acc = this.aggregate.add(value, this.aggregate.createAccumulator());
    i = pane.keys.length;
    pane.slots.set(normKey, i);
    pane.keys.push(key);
    pane.accs.push(acc);
    return i;
  }

  /** Fires slot `i` for the current record; `this.key` stays the record's own key, as the general path emits it. */
  private fireLate(pane: Pane, i: number): void {
    this.pane = pane;
    this.firing = pane.firings(i);
    this.firingLate = true;
    try {
      this.config.emit(this.key as K, this.windowCtx, this.aggregate.getResult(pane.accs[i] as ACC), this.collector);
    } finally {
      pane.addFirings(i, 1);
    }
  }

  onWatermark(watermark: number): void {
    const panes = this.store.panes;
    for (let p = 0; p < panes.length; p++) {
      const pane = panes[p]!;
      if (pane.maxTs > watermark) break;
      if (!pane.fired) this.fireOnTime(pane);
    }
    this.store.dropExpired(watermark, this.lateness);
  }

  /** The watermark passed the pane's end: every key's window fires, in order of the key's first record. */
  private fireOnTime(pane: Pane): void {
    pane.fired = true;
    this.pane = pane;
    this.firingLate = false;
    const { keys, accs } = pane;
    const n = keys.length;
    forEachRecord(
      n,
      (i) => {
        const key = keys[i];
        this.key = key;
        this.firing = pane.firings(i);
        this.config.emit(key as K, this.windowCtx, this.aggregate.getResult(accs[i] as ACC), this.collector);
      },
      (i, cause) => this.ctx.userError(cause, { window: pane.window.toString() }, pane.maxTs, keys[i]),
    );
    pane.onTimeFired = n;
  }

  nextProcessingTime(): number {
    return Number.POSITIVE_INFINITY;
  }

  snapshotState(): WindowOperatorSnapshot {
    return this.store.snapshot(this.lateness);
  }

  /** Returns false (restoring nothing) if the checkpoint needs the general operator; see `PaneStore.restore`. */
  tryRestore(state: WindowOperatorSnapshot): boolean {
    return this.store.restore(state, ownsKey(this.ctx));
  }
}
