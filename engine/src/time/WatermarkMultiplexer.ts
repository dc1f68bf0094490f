import { MIN_WATERMARK } from "./Watermark.js";
import type { WatermarkGenerator, WatermarkOutput } from "./WatermarkGenerator.js";

interface Split<T> {
  generator: WatermarkGenerator<T>;
  output: WatermarkOutput;
  /** Highest watermark this split's generator emitted; MIN_WATERMARK until its first one. */
  watermark: number;
  idle: boolean;
  /** Processing time of the split's last record (with a clock); undefined before its first. */
  lastEventAt: number | undefined;
}

/** A split's watermark state, as `WatermarkMultiplexer.splitStates()` reports it. */
export interface SplitWatermark {
  split: string;
  /** Highest watermark of the split's generator; MIN_WATERMARK before its first. */
  watermark: number;
  idle: boolean;
  /** Processing time of the split's last record, when the multiplexer has a clock; absent before its first record. */
  lastEventAt?: number;
}

/**
 * Per-split watermarks for one source subtask, as Flink's WatermarkOutputMultiplexer: each split
 * (a Kafka partition, a file...) gets its own generator from the strategy, and the subtask's
 * watermark is the minimum over the splits that are not idle. So one slow split holds back event
 * time for all of them (its records would otherwise arrive late), while a split idle for the
 * strategy's `withIdleness` timeout stops counting until it gets data again. A new split starts
 * with no watermark and holds the minimum back until its first one; while the set of splits is
 * unknown (`setSplits(undefined)`, e.g. before the reader connected) nothing is emitted; with no
 * splits at all the subtask is idle, as there is nothing to wait for.
 *
 * @example
 * const mux = new WatermarkMultiplexer(() => strategy.createWatermarkGenerator({ clock }), output);
 * mux.setSplits(["orders[0]", "orders[1]"]);
 * mux.onEvent("orders[0]", order, order.ts);
 * mux.onPeriodicEmit(); // emits min(watermark of orders[0], watermark of orders[1]) once both have one
 * // A watermark a split's generator emits from onEvent (punctuated) is combined and emitted at once.
 */
export class WatermarkMultiplexer<T> {
  private readonly splits = new Map<string, Split<T>>();
  private known = false;
  private idle = false;

  constructor(
    private readonly newGenerator: () => WatermarkGenerator<T>,
    private readonly output: WatermarkOutput,
    /** Processing time, to report each split's last record (`splitStates`). */
    private readonly now?: () => number,
  ) {}

  /** The splits the reader now reads (`undefined`: not known yet). Removed splits stop counting. */
  setSplits(ids: readonly string[] | undefined): void {
    if (ids === undefined) {
      if (!this.known) return;
      this.known = false;
      this.combine();
      return;
    }
    let changed = !this.known;
    this.known = true;
    if (ids.length !== this.splits.size || ids.some((id) => !this.splits.has(id))) {
      const wanted = new Set(ids);
      for (const id of this.splits.keys()) if (!wanted.has(id)) this.splits.delete(id);
      for (const id of ids) if (!this.splits.has(id)) this.add(id);
      changed = true;
    }
    if (changed) this.combine();
  }

  /**
   * A record of `split`; a split not announced by `setSplits` is added. A watermark the split's
   * generator emits here (punctuated) updates the combined watermark at once, as Flink's immediate
   * split outputs do, so it takes effect at this record rather than after the batch.
   */
  onEvent(split: string, event: T, timestamp: number): void {
    const s = this.splits.get(split) ?? this.add(split);
    const before = s.watermark;
    if (this.now !== undefined) s.lastEventAt = this.now();
    s.generator.onEvent(event, timestamp, s.output);
    if (s.watermark > before) this.combine();
  }

  /** Runs every split's periodic generation, then emits the combined watermark. */
  onPeriodicEmit(): void {
    for (const s of this.splits.values()) s.generator.onPeriodicEmit(s.output);
    this.combine();
  }

  splitStates(): SplitWatermark[] {
    return [...this.splits].map(([split, s]) => ({ split, watermark: s.watermark, idle: s.idle, ...(s.lastEventAt !== undefined ? { lastEventAt: s.lastEventAt } : {}) }));
  }

  private add(id: string): Split<T> {
    const split: Split<T> = {
      generator: this.newGenerator(),
      watermark: MIN_WATERMARK,
      idle: false,
      lastEventAt: undefined,
      output: {
        // Recorded here; combined by onEvent (at once) or onPeriodicEmit (after every split's generator ran).
        emitWatermark: (w) => {
          if (w > split.watermark) split.watermark = w;
          if (split.idle) split.idle = false;
        },
        markIdle: () => {
          split.idle = true;
        },
        markActive: () => {
          split.idle = false;
        },
      },
    };
    this.splits.set(id, split);
    return split;
  }

  private combine(): void {
    if (!this.known) return;
    let min = Number.POSITIVE_INFINITY;
    let active = false;
    for (const s of this.splits.values()) {
      if (s.idle) continue;
      active = true;
      if (s.watermark < min) min = s.watermark;
    }
    if (!active) {
      if (!this.idle) {
        this.idle = true;
        this.output.markIdle();
      }
      return;
    }
    if (this.idle) {
      this.idle = false;
      this.output.markActive();
    }
    if (min > MIN_WATERMARK) this.output.emitWatermark(min);
  }
}
