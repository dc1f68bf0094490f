import type { Collector } from "../../api/functions.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../../graph/keys.js";
import type { KeyedTimersSnapshot } from "../../operators/keyedTimers.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import { KeyedStateStore } from "../../state/KeyedStateStore.js";
import type { KeyedStateAccess } from "../../state/State.js";
import type { MiniBatchConfig } from "./miniBatchOptions.js";
import { MiniBatchOperator, type MiniBatchTrigger } from "./miniBatchTrigger.js";

/**
 * What a mini-batch folds per key (Flink's MapBundleFunction): state is declared in `open`, and
 * `finishKey` gets one key's buffered inputs, in arrival order, with that key's state current.
 */
export interface KeyedBundleFunction<I, O> {
  open(state: KeyedStateAccess): void;
  finishKey(inputs: readonly I[], out: Collector<O>): void;
}

/** One key's inputs since the batch began; `timestamp`: its last input's, which its output carries. */
interface Bundle<I> {
  key: unknown;
  normKey: NormalizedKey;
  inputs: I[];
  timestamp: number;
}

/**
 * Flink's KeyedMapBundleOperator: input rows are buffered per key and folded once per batch, so a
 * key that received many rows updates its state once and emits one change instead of a -U/+U pair
 * per row. The batch ends at `size` rows, `latencyMs` after its first row (processing time), at every
 * watermark, before a checkpoint barrier and at end of input (MiniBatchOperator).
 * State and snapshot are those of KeyedProcessOperator (no timers), so a savepoint moves between a
 * job with mini-batch and one without.
 */
export class MiniBatchKeyedOperator<K, I, O> extends MiniBatchOperator implements Operator<I> {
  private readonly store = new KeyedStateStore();
  private readonly fn: KeyedBundleFunction<I, O>;
  private readonly bundles = new Map<NormalizedKey, Bundle<I>>();
  private timestamp = Number.NaN;
  private readonly collector: Collector<O>;

  constructor(
    shared: KeyedBundleFunction<I, O>,
    private readonly keySelector: (value: I) => K,
    config: MiniBatchConfig,
    private readonly ctx: OperatorContext<O>,
  ) {
    super(config, ctx.clock);
    // Each subtask its own copy (as KeyedProcessOperator): state handles open() keeps on `this` are this subtask's.
    this.fn = Object.create(shared) as KeyedBundleFunction<I, O>;
    this.collector = { collect: (value: O) => ctx.output.emit(value, this.timestamp) };
  }

  open(): void {
    this.fn.open(this.store);
  }

  processBatch(batch: RecordBatch<I>): void {
    const { values, timestamps } = batch;
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as I;
      let key: K;
      try {
        key = this.keySelector(value);
      } catch (cause) {
        this.ctx.userError(cause, value, timestamps[i] as number);
        continue;
      }
      const normKey = normalizeKey(key);
      const bundle = this.bundles.get(normKey);
      if (bundle === undefined) this.bundles.set(normKey, { key, normKey, inputs: [value], timestamp: timestamps[i] as number });
      else {
        bundle.inputs.push(value);
        bundle.timestamp = timestamps[i] as number;
      }
      if ((this.trigger as MiniBatchTrigger).add()) this.flush();
    }
  }

  /** Folds every key's buffered inputs into its state and emits its change; the batch is then empty. */
  protected flush(): void {
    if ((this.trigger as MiniBatchTrigger).empty) return;
    const fn = this.fn;
    for (const bundle of this.bundles.values()) {
      this.store.setCurrentKey(bundle.key, bundle.normKey);
      this.timestamp = bundle.timestamp;
      try {
        fn.finishKey(bundle.inputs, this.collector);
      } catch (cause) {
        this.ctx.userError(cause, bundle.inputs, bundle.timestamp, bundle.key);
      }
    }
    this.bundles.clear();
    (this.trigger as MiniBatchTrigger).reset();
  }

  snapshotState(): KeyedTimersSnapshot {
    return { state: this.store.snapshot(), eventTimers: [], processingTimers: [] };
  }

  restoreState(state: unknown): void {
    this.store.restore((state as KeyedTimersSnapshot).state, ownsKey(this.ctx));
  }
}
