import type { RecordBatch } from "../runtime/StreamElement.js";
import { AlignedWindowOperator } from "./AlignedWindowOperator.js";
import { GeneralWindowOperator } from "./GeneralWindowOperator.js";
import type { Operator, OperatorContext } from "./Operator.js";
import type { WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";

export type { WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";

/** Which implementation a window operator runs; `auto` picks the aligned one whenever it applies. */
export type WindowOperatorPath = "auto" | "general";

/**
 * The window operator a `WindowedStream` plans: event-time tumbling and sliding windows with the default
 * trigger run on `AlignedWindowOperator`, everything else (sessions, global windows, processing time,
 * custom triggers) on `GeneralWindowOperator`. Both give the same results and read each other's
 * checkpoints; a checkpoint the aligned one cannot hold is restored into the general one.
 */
export class WindowOperator<IN, ACC, R, OUT, K> implements Operator<IN> {
  private impl: AlignedWindowOperator<IN, ACC, R, OUT, K> | GeneralWindowOperator<IN, ACC, R, OUT, K>;

  constructor(
    private readonly config: WindowOperatorConfig<IN, ACC, R, OUT, K>,
    private readonly ctx: OperatorContext<OUT>,
    path: WindowOperatorPath = "auto",
  ) {
    const aligned = path === "auto" && AlignedWindowOperator.supports(config as WindowOperatorConfig<unknown, unknown, unknown, unknown, unknown>);
    this.impl = aligned ? new AlignedWindowOperator(config, ctx) : new GeneralWindowOperator(config, ctx);
  }

  /** The implementation in use (for tests and diagnostics). */
  get path(): "aligned" | "general" {
    return this.impl instanceof AlignedWindowOperator ? "aligned" : "general";
  }

  processBatch(batch: RecordBatch<IN>): void {
    this.impl.processBatch(batch);
  }

  onWatermark(watermark: number): void {
    this.impl.onWatermark(watermark);
  }

  nextProcessingTime(): number {
    return this.impl.nextProcessingTime();
  }

  onProcessingTime(now: number): void {
    if (this.impl instanceof GeneralWindowOperator) this.impl.onProcessingTime(now);
  }

  snapshotState(): WindowOperatorSnapshot {
    return this.impl.snapshotState();
  }

  restoreState(state: unknown): void {
    const snapshot = state as WindowOperatorSnapshot;
    if (this.impl instanceof AlignedWindowOperator && this.impl.tryRestore(snapshot)) return;
    if (this.impl instanceof AlignedWindowOperator) this.impl = new GeneralWindowOperator(this.config, this.ctx);
    this.impl.restoreState(snapshot);
  }
}
