import { ownsKey, type NormalizedKey } from "../graph/keys.js";
import { windowStart } from "../windows/TimeWindow.js";
import { isEventTimeTrigger } from "../windows/Trigger.js";
import { PaneStore, type Pane } from "./AlignedPanes.js";
import { AlignedWindowBase } from "./AlignedWindowBase.js";
import type { Operator, OperatorContext } from "./Operator.js";
import type { WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";
import { forEachRecord } from "./forEachRecord.js";

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
export class AlignedWindowOperator<IN, ACC, R, OUT, K> extends AlignedWindowBase<IN, ACC, R, OUT, K> implements Operator<IN> {
  /** Whether `config` is one this operator runs with the same results as the general one. */
  static supports(config: WindowOperatorConfig<unknown, unknown, unknown, unknown, unknown>): boolean {
    const { assigner } = config;
    return assigner.isEventTime && !assigner.merging && assigner.aligned !== undefined && isEventTimeTrigger(config.trigger) && Number.isFinite(config.allowedLateness);
  }

  private readonly store: PaneStore;
  private readonly windowOf: ((element: unknown) => number) | undefined;

  constructor(config: WindowOperatorConfig<IN, ACC, R, OUT, K>, ctx: OperatorContext<OUT>) {
    super(config, ctx);
    this.store = new PaneStore(this.aligned);
    this.windowOf = this.aligned.windowOf;
  }

  protected addRecord(value: IN, timestamp: number, key: K, normKey: NormalizedKey): void {
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
    if (skipped) this.dropLate(value, timestamp);
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
    this.window = pane.window;
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
    this.window = pane.window;
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

  snapshotState(): WindowOperatorSnapshot {
    return this.store.snapshot(this.lateness);
  }

  /** Returns false (restoring nothing) if the checkpoint needs the general operator; see `PaneStore.restore`. */
  tryRestore(state: WindowOperatorSnapshot): boolean {
    return this.store.restore(state, ownsKey(this.ctx));
  }
}
