import { MAX_WATERMARK, MIN_WATERMARK } from "../time/Watermark.js";

/** Where a valve sends what it decides: a new combined watermark, or a change of the combined idleness. */
export interface ValveOutput {
  emitWatermark(watermark: number): void;
  emitWatermarkStatus(idle: boolean): void;
}

/** One input channel, as the valve sees it. */
interface ChannelStatus {
  watermark: number;
  idle: boolean;
  ended: boolean;
  /**
   * Counts towards the minimum. A channel back from idle below the last output watermark does not,
   * until its watermark catches up: otherwise event time would stall (or go back) for it.
   */
  aligned: boolean;
}

/**
 * Combines the watermarks and idleness of a task's input channels into the task's input watermark,
 * as Flink's StatusWatermarkValve: the output watermark is the minimum over the active, aligned
 * channels and never goes back; an idle channel does not count; when every channel is idle the
 * valve flushes the highest watermark of them all and goes idle itself, and becomes active again
 * with the first channel that does. A channel that ended (end of input, a Sluice stream element
 * Flink has as end of partition) no longer counts at all.
 *
 * @example
 * const valve = new StatusWatermarkValve({ emitWatermark: (w) => …, emitWatermarkStatus: (idle) => … });
 * const a = valve.addChannel(), b = valve.addChannel();
 * valve.inputWatermark(5, a); // nothing yet: b has no watermark
 * valve.inputWatermark(7, b); // emits 5
 * valve.inputWatermarkStatus(true, a); // a idle: emits 7
 */
export class StatusWatermarkValve {
  private readonly channels: ChannelStatus[] = [];
  /** Last watermark emitted; never decreases. */
  private lastOutputWatermark = MIN_WATERMARK;
  private lastOutputIdle = false;

  constructor(private readonly output: ValveOutput) {}

  /** A new channel (active, no watermark yet); returns its index for the `input…` calls. */
  addChannel(): number {
    this.channels.push({ watermark: MIN_WATERMARK, idle: false, ended: false, aligned: true });
    return this.channels.length - 1;
  }

  /** Whether every channel ended (a valve without channels has ended too). */
  get allEnded(): boolean {
    return this.channels.every((c) => c.ended);
  }

  /** After a restore: the combined watermark the task had; channels count again once they pass it. */
  restore(watermark: number): void {
    this.lastOutputWatermark = watermark;
  }

  inputWatermark(watermark: number, channel: number): void {
    const status = this.channels[channel]!;
    // A watermark from an idle channel is ignored, as in Flink (a producer marks itself active first).
    if (status.idle || status.ended || watermark <= status.watermark) return;
    status.watermark = watermark;
    if (!status.aligned && watermark >= this.lastOutputWatermark) status.aligned = true;
    this.emitNewMinAcrossAligned();
  }

  inputWatermarkStatus(idle: boolean, channel: number): void {
    const status = this.channels[channel]!;
    if (status.ended || status.idle === idle) return;
    status.idle = idle;
    if (idle) {
      status.aligned = false;
      this.afterChannelLeft();
      return;
    }
    if (status.watermark >= this.lastOutputWatermark) status.aligned = true;
    if (this.lastOutputIdle) {
      this.lastOutputIdle = false;
      this.output.emitWatermarkStatus(false);
    }
  }

  /** End of input on `channel`: it stops counting. Returns whether every channel has ended. */
  endOfInput(channel: number): boolean {
    const status = this.channels[channel]!;
    if (!status.ended) {
      status.ended = true;
      status.aligned = false;
      if (!this.allEnded) this.afterChannelLeft();
    }
    return this.allEnded;
  }

  /** A channel went idle or ended: the minimum may move up, or every live channel is now idle. */
  private afterChannelLeft(): void {
    if (this.channels.some((c) => !c.ended && !c.idle)) {
      this.emitNewMinAcrossAligned();
      return;
    }
    // Nothing will advance any more: flush the highest watermark over the live channels, as Flink does.
    let max = MIN_WATERMARK;
    for (const c of this.channels) if (!c.ended && c.watermark > max) max = c.watermark;
    if (max > this.lastOutputWatermark) this.emit(max);
    if (!this.lastOutputIdle) {
      this.lastOutputIdle = true;
      this.output.emitWatermarkStatus(true);
    }
  }

  private emitNewMinAcrossAligned(): void {
    let min = MAX_WATERMARK;
    let any = false;
    for (const c of this.channels) {
      if (!c.aligned) continue;
      any = true;
      if (c.watermark < min) min = c.watermark;
    }
    if (any && min > this.lastOutputWatermark) this.emit(min);
  }

  private emit(watermark: number): void {
    this.lastOutputWatermark = watermark;
    this.output.emitWatermark(watermark);
  }
}
