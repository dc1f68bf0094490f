import type { Clock } from "../../time/Clock.js";
import type { MiniBatchConfig } from "./miniBatchOptions.js";

/**
 * When a mini-batch is full or due (Flink's CountBundleTrigger with the allow-latency timer): `size`
 * inputs, or `latencyMs` of processing time after the batch's first input.
 */
export class MiniBatchTrigger {
  private buffered = 0;
  private startedAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly config: MiniBatchConfig,
    private readonly clock: Clock,
  ) {}

  /** Counts `n` buffered inputs (the first starts the latency clock); true when the batch is full. */
  add(n = 1): boolean {
    if (this.buffered === 0) this.startedAt = this.clock.now();
    this.buffered += n;
    return this.buffered >= this.config.size;
  }

  get empty(): boolean {
    return this.buffered === 0;
  }

  /** The processing time the batch is due at (infinity while empty). */
  dueAt(): number {
    return this.startedAt + this.config.latencyMs;
  }

  reset(): void {
    this.buffered = 0;
    this.startedAt = Number.POSITIVE_INFINITY;
  }
}

/**
 * An operator that emits per mini-batch (MiniBatchKeyedOperator, JoinGroupAggregateOperator): its batch
 * ends when `trigger` says so, at every watermark (as Flink's bundle operators finish on
 * processWatermark; JoinGroupAggregateOperator does not, see there), before a checkpoint barrier (the
 * snapshot holds state only, never a batch) and at the end of input. Without a trigger (no mini-batch) the operator flushes each input itself.
 */
export abstract class MiniBatchOperator {
  protected readonly trigger: MiniBatchTrigger | undefined;

  constructor(config: MiniBatchConfig | undefined, clock: Clock) {
    this.trigger = config === undefined ? undefined : new MiniBatchTrigger(config, clock);
  }

  /** Emits what the batch holds and resets the trigger: the batch is then empty. */
  protected abstract flush(): void;

  onWatermark(): void {
    this.flush();
  }

  nextProcessingTime(): number {
    return this.trigger === undefined ? Number.POSITIVE_INFINITY : this.trigger.dueAt();
  }

  onProcessingTime(): void {
    this.flush();
  }

  prepareSnapshotPreBarrier(): void {
    this.flush();
  }

  finish(): void {
    this.flush();
  }
}
