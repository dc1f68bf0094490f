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

  constructor(private readonly emitBatch: (values: readonly T[], timestamps: readonly number[]) => void) {}

  begin(values: readonly T[], timestamps: readonly number[]): void {
    this.values = values;
    this.timestamps = timestamps;
    this.sent = 0;
    this.at = 0;
    this.running = true;
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
  }

  private emitRange(to: number): void {
    const from = this.sent;
    if (to <= from) return;
    const whole = from === 0 && to === this.values.length;
    this.emitBatch(whole ? this.values : this.values.slice(from, to), whole ? this.timestamps : this.timestamps.slice(from, to));
    this.sent = to;
  }
}
