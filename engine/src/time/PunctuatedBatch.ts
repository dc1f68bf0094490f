const NOTHING: readonly never[] = [];

/**
 * A batch being handed to a watermark generator record by record (`at` is the record whose
 * `onEvent` runs), so that a watermark the generator emits from `onEvent` takes effect at that
 * record, as in Flink, whatever the batch size: the output calls `flush()` before it sends the
 * watermark on, which emits the records up to and including `at`; `end()` emits the rest. A batch
 * without such a watermark goes out whole, uncopied. Used by source subtasks and by
 * `assignTimestampsAndWatermarks`.
 *
 * @example
 * batch.begin(values, timestamps);
 * for (let i = 0; i < values.length; i++) {
 *   batch.at = i;
 *   generator.onEvent(values[i], timestamps[i], output); // output.emitWatermark calls batch.flush() first
 * }
 * batch.end();
 */
export class PunctuatedBatch<T> {
  /** Index of the record whose `onEvent` runs. */
  at = 0;
  private values: readonly T[] = NOTHING;
  private timestamps: readonly number[] = NOTHING;
  private sent = 0;
  private running = false;
  /** `allLaterAfterAt`'s suffix minima, and the timestamps they are of. */
  private suffixMin = new Float64Array(0);
  private suffixFor: readonly number[] | undefined = undefined;

  constructor(private readonly emitBatch: (values: readonly T[], timestamps: readonly number[]) => void) {}

  begin(values: readonly T[], timestamps: readonly number[]): void {
    this.values = values;
    this.timestamps = timestamps;
    this.sent = 0;
    this.at = 0;
    this.running = true;
  }

  /**
   * Whether every record after `at` has a timestamp above `watermark` (none of them is at or behind it). The
   * minimum of each suffix is computed once per batch, when first asked: a generator may ask at many records.
   */
  allLaterAfterAt(watermark: number): boolean {
    if (!this.running) return false;
    const ts = this.timestamps;
    const n = ts.length;
    if (this.suffixFor !== ts) {
      if (this.suffixMin.length < n) this.suffixMin = new Float64Array(Math.max(n, 2 * this.suffixMin.length));
      let min = Number.POSITIVE_INFINITY;
      for (let i = n - 1; i >= 0; i--) {
        const t = ts[i] as number;
        // NaN (a record without a timestamp) compares as nothing: no watermark waits past it.
        min = t < min || Number.isNaN(t) ? t : min;
        this.suffixMin[i] = min;
      }
      this.suffixFor = ts;
    }
    return this.at + 1 >= n || (this.suffixMin[this.at + 1] as number) > watermark;
  }

  /** Emits the records up to and including `at` not emitted yet (nothing outside begin..end). */
  flush(): void {
    if (!this.running) return;
    this.emitRange(this.at + 1);
  }

  /** Emits what is left of the batch. Also call it (in a `finally`) when `onEvent` threw. */
  end(): void {
    if (!this.running) return;
    this.emitRange(this.values.length);
    this.running = false;
    this.values = NOTHING;
    this.timestamps = NOTHING;
    this.suffixFor = undefined;
  }

  private emitRange(to: number): void {
    const from = this.sent;
    if (to <= from) return;
    const whole = from === 0 && to === this.values.length;
    this.emitBatch(whole ? this.values : this.values.slice(from, to), whole ? this.timestamps : this.timestamps.slice(from, to));
    this.sent = to;
  }
}
