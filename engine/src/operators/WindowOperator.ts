import type { RecordBatch } from "../runtime/StreamElement.js";
import { AlignedWindowOperator } from "./AlignedWindowOperator.js";
import { GeneralWindowOperator } from "./GeneralWindowOperator.js";
import type { Operator, OperatorContext } from "./Operator.js";
import { isSliced, type SlicedSnapshot, slicesToWindows } from "./SliceStore.js";
import { SlicedWindowOperator } from "./SlicedWindowOperator.js";
import type { WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";

export type { WindowOperatorConfig, WindowOperatorSnapshot } from "./WindowOperatorConfig.js";

/** Which implementation a window operator runs; `auto` picks the sliced or aligned one whenever it applies. */
export type WindowOperatorPath = "auto" | "aligned" | "general";

type Impl<IN, ACC, R, OUT, K> = SlicedWindowOperator<IN, ACC, R, OUT, K> | AlignedWindowOperator<IN, ACC, R, OUT, K> | GeneralWindowOperator<IN, ACC, R, OUT, K>;

/**
 * The window operator a `WindowedStream` plans: event-time sliding windows with the default trigger and an
 * aggregate that merges run on `SlicedWindowOperator`, other event-time tumbling and sliding windows with the
 * default trigger on `AlignedWindowOperator`, everything else (sessions, global windows, processing time,
 * custom triggers) on `GeneralWindowOperator`. All give the same results.
 *
 * Checkpoints: the aligned and general ones write and read one per-window format; the sliced one writes
 * slices, which the others read merged into windows. A per-window checkpoint (taken before slicing, or by
 * another path) cannot be cut back into slices: a sliced job restores it into the aligned (pane) operator,
 * which then runs that job, so savepoints of earlier versions stay restorable.
 */
export class WindowOperator<IN, ACC, R, OUT, K> implements Operator<IN> {
  private impl: Impl<IN, ACC, R, OUT, K>;

  constructor(
    private readonly config: WindowOperatorConfig<IN, ACC, R, OUT, K>,
    private readonly ctx: OperatorContext<OUT>,
    path: WindowOperatorPath = "auto",
  ) {
    const c = config as WindowOperatorConfig<unknown, unknown, unknown, unknown, unknown>;
    if (path === "auto" && SlicedWindowOperator.supports(c)) this.impl = new SlicedWindowOperator(config, ctx);
    else if (path !== "general" && AlignedWindowOperator.supports(c)) this.impl = new AlignedWindowOperator(config, ctx);
    else this.impl = new GeneralWindowOperator(config, ctx);
  }

  /** The implementation in use (for tests and diagnostics). */
  get path(): "sliced" | "aligned" | "general" {
    return this.impl instanceof SlicedWindowOperator ? "sliced" : this.impl instanceof AlignedWindowOperator ? "aligned" : "general";
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

  /** Called once per old subtask's state when rescaled: a later call may move what earlier ones restored to another path. */
  restoreState(state: unknown): void {
    let snapshot = state as WindowOperatorSnapshot;
    const { impl } = this;
    if (impl instanceof SlicedWindowOperator) {
      const { size, slide, offset } = impl.store.aligned;
      if (isSliced(snapshot) && snapshot.slices.size === size && snapshot.slices.slide === slide && snapshot.slices.offset === offset) {
        impl.restoreSlices(snapshot);
        return;
      }
      this.moveTo(
        AlignedWindowOperator.supports(this.config as WindowOperatorConfig<unknown, unknown, unknown, unknown, unknown>)
          ? new AlignedWindowOperator(this.config, this.ctx)
          : new GeneralWindowOperator(this.config, this.ctx),
      );
    }
    if (isSliced(snapshot)) snapshot = this.windowsOf(snapshot);
    if (this.impl instanceof AlignedWindowOperator && this.impl.tryRestore(snapshot)) return;
    if (this.impl instanceof AlignedWindowOperator) this.moveTo(new GeneralWindowOperator(this.config, this.ctx));
    (this.impl as GeneralWindowOperator<IN, ACC, R, OUT, K>).restoreState(snapshot);
  }

  /** Switches to `next`, which takes over what the current implementation restored so far. */
  private moveTo(next: AlignedWindowOperator<IN, ACC, R, OUT, K> | GeneralWindowOperator<IN, ACC, R, OUT, K>): void {
    const before = this.impl.snapshotState();
    this.impl = next;
    const held = isSliced(before) ? before.slices.slices.length > 0 : before.windows.keys.length > 0;
    if (held) this.restoreState(isSliced(before) ? this.windowsOf(before) : before);
  }

  private windowsOf(snapshot: SlicedSnapshot): WindowOperatorSnapshot {
    return slicesToWindows(snapshot.slices, this.config.allowedLateness, this.config.aggregate as never);
  }
}
