import type { Collector } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../graph/keys.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import { TimerQueue, type Timer } from "../time/TimerQueue.js";
import { TimeWindow } from "../windows/TimeWindow.js";
import type { TriggerContext, TriggerResult } from "../windows/Trigger.js";
import type { WindowContext } from "../windows/WindowFunction.js";
import type { Operator, OperatorContext } from "./Operator.js";
import type { TimerSnapshot, WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";
import { WindowStore, type WindowEntry, type KeyWindows } from "./WindowStore.js";
import { forEachRecord } from "./forEachRecord.js";
import { missingTimestamp, noTime } from "./missingTimestamp.js";

/**
 * Flink's WindowOperator: assigner → per key and window contents → trigger → window function, with
 * allowed lateness, late-data side output, and session merging. Runs every assigner and trigger;
 * `WindowOperator` picks `AlignedWindowOperator` instead where that one applies.
 *
 * Checkpointed: window contents (accumulators, trigger state, firing counts) and both timer queues.
 * Transient: the "current" key/window fields used to avoid allocating contexts per record.
 */
export class GeneralWindowOperator<IN, ACC, R, OUT, K> implements Operator<IN> {
  private readonly store = new WindowStore();
  private readonly eventTimers = new TimerQueue<TimeWindow>();
  private readonly processingTimers = new TimerQueue<TimeWindow>();
  private readonly isEventTime: boolean;
  private readonly merging: boolean;
  // Current key and window for the trigger context and the window context.
  private key: unknown;
  private normKey: NormalizedKey;
  private entry: WindowEntry | undefined;
  private firingLate = false;
  private outTimestamp = Number.NaN;
  private readonly triggerCtx: TriggerContext;
  private readonly windowCtx: WindowContext<K>;
  private readonly collector: Collector<OUT>;

  constructor(
    private readonly config: WindowOperatorConfig<IN, ACC, R, OUT, K>,
    private readonly ctx: OperatorContext<OUT>,
  ) {
    this.isEventTime = config.assigner.isEventTime;
    this.merging = config.assigner.merging;
    const self = this;
    this.triggerCtx = {
      currentWatermark: () => ctx.currentWatermark(),
      currentProcessingTime: () => ctx.clock.now(),
      registerEventTimeTimer: (t) => {
        const entry = self.entry!;
        // A timer still in the future and already registered for this window cannot have fired: skip the queue.
        const future = t > ctx.currentWatermark();
        if (future && entry.pendingTimers?.includes(t)) return;
        self.eventTimers.register(t, self.key, self.normKey, entry.window, entry.window.id);
        if (future) (entry.pendingTimers ??= []).push(t);
      },
      registerProcessingTimeTimer: (t) => void self.processingTimers.register(t, self.key, self.normKey, self.entry!.window, self.entry!.window.id),
      deleteEventTimeTimer: (t) => {
        const entry = self.entry!;
        if (entry.pendingTimers !== undefined) entry.pendingTimers = entry.pendingTimers.filter((p) => p !== t);
        self.eventTimers.delete(t, self.normKey, entry.window.id);
      },
      deleteProcessingTimeTimer: (t) => void self.processingTimers.delete(t, self.normKey, self.entry!.window.id),
      getState: <S>(name: string) => self.entry!.triggerState?.[name] as S | undefined,
      setState: <S>(name: string, value: S | undefined) => {
        const entry = self.entry!;
        if (value === undefined) {
          if (entry.triggerState !== undefined) delete entry.triggerState[name];
        } else {
          (entry.triggerState ??= {})[name] = value;
        }
      },
    };
    this.windowCtx = {
      get key() {
        return self.key as K;
      },
      get window() {
        return self.entry!.window;
      },
      get firing() {
        return self.entry!.firings;
      },
      get late() {
        return self.firingLate;
      },
      currentWatermark: () => ctx.currentWatermark(),
      currentProcessingTime: () => ctx.clock.now(),
      output: <S>(tag: OutputTag<S>, value: S) => ctx.output.emitSide(tag, value, self.outTimestamp),
    };
    this.collector = { collect: (value: OUT) => ctx.output.emit(value, self.outTimestamp) };
  }

  processBatch(batch: RecordBatch<IN>): void {
    const { values, timestamps } = batch;
    const now = this.ctx.clock.now();
    forEachRecord(
      values.length,
      (i) => this.processElement(values[i]!, timestamps[i]!, now),
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!, this.key),
    );
  }

  private processElement(value: IN, timestamp: number, now: number): void {
    const { config } = this;
    this.key = undefined;
    const key = config.keySelector(value);
    const normKey = normalizeKey(key);
    this.key = key;
    this.normKey = normKey;
    if (this.isEventTime && noTime(timestamp)) {
      throw missingTimestamp(this.ctx, key, value);
    }
    const windows = config.assigner.assignWindows(value, timestamp, now);
    const ks = this.store.forKey(normKey, key);
    let skipped = true;
    for (const assigned of windows) {
      const entry = this.merging ? this.mergeInto(ks, assigned) : this.entryFor(ks, assigned);
      if (entry === undefined) continue;
      skipped = false;
      entry.acc = config.aggregate.add(value, entry.acc as ACC);
      entry.empty = false;
      this.entry = entry;
      const result = config.trigger.onElement(value, timestamp, entry.window, this.triggerCtx);
      this.apply(entry, result, entry.window.maxTimestamp() <= this.ctx.currentWatermark());
      if (!entry.cleanupRegistered) this.registerCleanup(entry);
    }
    if (ks.count === 0) this.store.dropKey(normKey);
    if (skipped && this.isEventTime) {
      if (config.lateDataTag !== undefined) this.ctx.output.emitSide(config.lateDataTag, value, timestamp);
      else this.ctx.counters.lateRecordsDropped++;
    }
  }

  private cleanupTime(window: TimeWindow): number {
    return this.isEventTime ? window.maxTimestamp() + this.config.allowedLateness : window.maxTimestamp();
  }

  private isLate(window: TimeWindow): boolean {
    return this.isEventTime && this.cleanupTime(window) <= this.ctx.currentWatermark();
  }

  private entryFor(ks: KeyWindows, window: TimeWindow): WindowEntry | undefined {
    if (this.isLate(window)) return undefined;
    return this.store.find(ks, window) ?? this.store.add(ks, window, this.config.aggregate.createAccumulator());
  }

  /** Session merging: the new window absorbs every window of the key it intersects. */
  private mergeInto(ks: KeyWindows, window: TimeWindow): WindowEntry | undefined {
    const overlapping = this.store.entries(ks).filter((e) => e.window.intersects(window));
    let merged = window;
    for (const e of overlapping) merged = merged.cover(e.window);
    if (this.isLate(merged)) return undefined;
    if (overlapping.length === 0) return this.store.add(ks, merged, this.config.aggregate.createAccumulator());
    const only = overlapping[0]!;
    if (overlapping.length === 1 && only.window.start === merged.start && only.window.end === merged.end) return only;
    const agg = this.config.aggregate;
    let acc = agg.createAccumulator();
    let empty = true;
    let firings = 0;
    for (const e of overlapping) {
      if (!e.empty) {
        acc = agg.merge(acc, e.acc as ACC);
        empty = false;
      }
      firings = Math.max(firings, e.firings);
      this.entry = e;
      this.config.trigger.clear(e.window, this.triggerCtx);
      this.deleteCleanup(e);
      this.store.remove(ks, e);
    }
    const entry = this.store.add(ks, merged, acc);
    entry.empty = empty;
    entry.firings = firings;
    this.entry = entry;
    this.config.trigger.onMerge?.(merged, this.triggerCtx);
    return entry;
  }

  private registerCleanup(entry: WindowEntry): void {
    const at = this.cleanupTime(entry.window);
    if (at === Number.POSITIVE_INFINITY) return; // global windows live until the job ends
    entry.cleanupRegistered = true;
    const queue = this.isEventTime ? this.eventTimers : this.processingTimers;
    queue.register(at, this.key, this.normKey, entry.window, entry.window.id);
  }

  private deleteCleanup(entry: WindowEntry): void {
    if (!entry.cleanupRegistered) return;
    const queue = this.isEventTime ? this.eventTimers : this.processingTimers;
    queue.delete(this.cleanupTime(entry.window), this.normKey, entry.window.id);
  }

  /** Acts on a trigger decision for the current key and `entry`. */
  private apply(entry: WindowEntry, result: TriggerResult, late: boolean): void {
    if (result === "CONTINUE") return;
    if ((result === "FIRE" || result === "FIRE_AND_PURGE") && !entry.empty) this.fire(entry, late);
    if (result === "PURGE" || result === "FIRE_AND_PURGE") {
      entry.acc = this.config.aggregate.createAccumulator();
      entry.empty = true;
    }
  }

  private fire(entry: WindowEntry, late: boolean): void {
    const result = this.config.aggregate.getResult(entry.acc as ACC);
    this.entry = entry;
    this.firingLate = late;
    this.outTimestamp = entry.window.maxTimestamp();
    try {
      this.config.emit(this.key as K, this.windowCtx, result, this.collector);
    } finally {
      entry.firings++;
    }
  }

  onWatermark(watermark: number): void {
    this.onTimers(this.eventTimers, watermark, true);
  }

  nextProcessingTime(): number {
    return this.processingTimers.peek();
  }

  onProcessingTime(now: number): void {
    this.onTimers(this.processingTimers, now, false);
  }

  private onTimers(queue: TimerQueue<TimeWindow>, upTo: number, eventTime: boolean): void {
    let due: Timer<TimeWindow>[] | undefined;
    while ((due = queue.pollDue(upTo)) !== undefined) {
      for (const timer of due) {
        try {
          this.onTimer(timer, eventTime);
        } catch (cause) {
          this.ctx.userError(cause, { window: timer.namespace.toString() }, timer.timestamp, timer.key);
        }
      }
    }
  }

  private onTimer(timer: Timer<TimeWindow>, eventTime: boolean): void {
    const ks = this.store.get(timer.normKey);
    const entry = ks === undefined ? undefined : this.store.find(ks, timer.namespace);
    if (ks === undefined || entry === undefined) return; // the window was merged away or purged
    this.key = timer.key;
    this.normKey = timer.normKey;
    this.entry = entry;
    const trigger = this.config.trigger;
    const result = eventTime ? trigger.onEventTime(timer.timestamp, entry.window, this.triggerCtx) : trigger.onProcessingTime(timer.timestamp, entry.window, this.triggerCtx);
    this.apply(entry, result, false);
    if (eventTime === this.isEventTime && timer.timestamp === this.cleanupTime(entry.window)) {
      this.entry = entry;
      trigger.clear(entry.window, this.triggerCtx);
      this.store.remove(ks, entry);
      if (ks.count === 0) this.store.dropKey(timer.normKey);
    }
  }

  snapshotState(): WindowOperatorSnapshot {
    const timers = (q: TimerQueue<TimeWindow>) => q.all().map((t): TimerSnapshot => [t.timestamp, t.key, t.namespace.start, t.namespace.end]);
    return { windows: this.store.snapshot(), eventTimers: timers(this.eventTimers), processingTimers: timers(this.processingTimers) };
  }

  restoreState(state: unknown): void {
    const s = state as WindowOperatorSnapshot;
    const mine = ownsKey(this.ctx);
    this.store.restore(s.windows, mine);
    const restoreTimers = (q: TimerQueue<TimeWindow>, list: TimerSnapshot[]) => {
      for (const [ts, key, start, end] of list) {
        const nk = normalizeKey(key);
        if (!mine(nk)) continue;
        const ks = this.store.get(nk);
        const window = (ks !== undefined ? this.store.find(ks, new TimeWindow(start, end))?.window : undefined) ?? new TimeWindow(start, end);
        q.register(ts, key, nk, window, window.id);
      }
    };
    restoreTimers(this.eventTimers, s.eventTimers);
    restoreTimers(this.processingTimers, s.processingTimers);
  }
}
