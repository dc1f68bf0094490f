import type { SubtaskCheckpoint } from "../checkpoint/CheckpointData.js";
import { CheckpointError } from "../errors/errors.js";
import type { SourcePoll, SourceReader } from "../connectors/Source.js";
import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import type { TimestampAssigner } from "../time/WatermarkStrategy.js";
import { MAX_WATERMARK } from "../time/Watermark.js";
import type { Wake } from "./OperatorTask.js";
import type { OutputRouter } from "./OutputRouter.js";
import { ACTIVE, END, IDLE } from "./StreamElement.js";
import type { SubtaskContext } from "./SubtaskContext.js";

/** How long to wait before polling again when a reader returns nothing and gives no hint. */
const EMPTY_POLL_BACKOFF_MS = 10;

/**
 * One subtask of a source: polls the reader for a batch whenever its outputs have room, assigns
 * timestamps, runs the watermark generator and emits. Watermarks are generated after every batch
 * and, while waiting for data, every `periodicInterval` ms of processing time.
 */
export class SourceTask {
  readonly kind = "source";
  private pending = false;
  private ready: SourcePoll<unknown> | undefined;
  private retryAt = Number.NEGATIVE_INFINITY;
  private nextPeriodicAt: number;
  private idle = false;
  watermark = Number.NEGATIVE_INFINITY;
  finished = false;
  recordsIn = 0;
  /** Checkpoint whose barrier waits to be injected at the next consistent point (between polls). */
  private barrier: number | undefined;
  /** Set by the runner when checkpointing is on. */
  acknowledge: (checkpointId: number, snapshot: SubtaskCheckpoint) => void = () => {};
  private endAfterRestore = false;

  private readonly watermarkOutput: WatermarkOutput = {
    emitWatermark: (w) => {
      if (w > this.watermark) {
        this.activate();
        this.watermark = w;
        this.ctx.watermark = w;
        this.router.broadcast({ kind: "watermark", timestamp: w });
      }
    },
    markIdle: () => {
      if (!this.idle) {
        this.idle = true;
        this.router.broadcast(IDLE);
      }
    },
    markActive: () => this.activate(),
  };

  constructor(
    readonly ctx: SubtaskContext<unknown>,
    readonly reader: SourceReader<unknown>,
    private readonly generator: WatermarkGenerator<unknown> | undefined,
    private readonly assigner: TimestampAssigner<unknown> | undefined,
    readonly router: OutputRouter<unknown>,
    private readonly batchSize: number,
    private readonly periodicInterval: number,
    private readonly wake: Wake,
  ) {
    this.nextPeriodicAt = ctx.clock.now() + periodicInterval;
  }

  get backlog(): number {
    return 0;
  }

  get isBusy(): boolean {
    return this.pending;
  }

  canRun(now: number): boolean {
    if (this.finished) return false;
    // A barrier may go out while a poll is in flight: nothing of that poll has been emitted yet.
    if (this.barrier !== undefined && this.ready === undefined) return true;
    if (this.pending) return false;
    if (!this.router.hasRoom()) return false;
    return this.ready !== undefined || now >= this.retryAt;
  }

  /** Earliest processing time at which this source wants to run again without being woken. */
  nextWakeUp(): number {
    if (this.finished) return Number.POSITIVE_INFINITY;
    let at = this.generator !== undefined ? this.nextPeriodicAt : Number.POSITIVE_INFINITY;
    if (!this.pending && this.ready === undefined && this.retryAt < at) at = this.retryAt;
    return at;
  }

  injectBarrier(checkpointId: number): void {
    this.barrier = checkpointId;
  }

  /** State for a checkpoint: the reader's position after everything emitted so far. */
  snapshot(): SubtaskCheckpoint {
    return { position: this.reader.snapshotPosition?.(), watermark: this.watermark, finished: this.finished };
  }

  /** Called before open(). */
  restore(snapshot: SubtaskCheckpoint, sourceName: string): void {
    if (snapshot.finished) {
      this.endAfterRestore = true;
    } else if (snapshot.position !== undefined) {
      if (this.reader.restorePosition === undefined) throw new CheckpointError(`Source '${sourceName}' cannot resume from a checkpoint (its reader has no restorePosition)`, { operator: sourceName });
      this.reader.restorePosition(snapshot.position);
    }
    this.watermark = snapshot.watermark;
    this.ctx.watermark = snapshot.watermark;
  }

  runOnce(now: number): void {
    if (this.barrier !== undefined && this.ready === undefined) {
      const id = this.barrier;
      this.barrier = undefined;
      this.acknowledge(id, this.snapshot());
      this.router.broadcast({ kind: "barrier", checkpointId: id });
      return;
    }
    if (this.endAfterRestore) {
      this.finish();
      return;
    }
    let result = this.ready;
    this.ready = undefined;
    if (result === undefined) {
      const polled = this.reader.poll(this.batchSize);
      if (polled instanceof Promise) {
        this.pending = true;
        polled.then(
          (r) => {
            this.pending = false;
            this.ready = r;
            this.wake();
          },
          (error: unknown) => {
            this.pending = false;
            this.wake(error);
          },
        );
        return;
      }
      result = polled;
    }
    this.emit(result, now);
  }

  /** Periodic watermark generation while the source waits (needed for idleness detection). */
  periodic(now: number): boolean {
    if (this.finished || this.generator === undefined || now < this.nextPeriodicAt) return false;
    this.nextPeriodicAt = now + this.periodicInterval;
    this.generator.onPeriodicEmit(this.watermarkOutput);
    return true;
  }

  private emit(result: SourcePoll<unknown>, now: number): void {
    const values = result.values;
    const n = values.length;
    if (n > 0) {
      this.activate();
      let timestamps: number[];
      const assigner = this.assigner;
      const given = result.timestamps;
      if (assigner !== undefined) {
        timestamps = new Array<number>(n);
        let i = 0;
        while (i < n) {
          try {
            for (; i < n; i++) timestamps[i] = assigner(values[i], given?.[i] ?? Number.NaN);
          } catch (cause) {
            // Under dead-letter, the record is dropped from the batch below (marked by a -Infinity timestamp).
            this.ctx.userError(cause, values[i], given?.[i] ?? Number.NaN);
            timestamps[i] = Number.NEGATIVE_INFINITY;
            i++;
          }
        }
        if (timestamps.includes(Number.NEGATIVE_INFINITY)) {
          const keptValues: unknown[] = [];
          const keptTs: number[] = [];
          for (let j = 0; j < n; j++) {
            if (timestamps[j] !== Number.NEGATIVE_INFINITY) {
              keptValues.push(values[j]);
              keptTs.push(timestamps[j]!);
            }
          }
          this.send(keptValues, keptTs);
        } else {
          this.send(values, timestamps);
        }
      } else {
        timestamps = given ?? new Array<number>(n).fill(Number.NaN);
        this.send(values, timestamps);
      }
      this.recordsIn += n;
    }
    if (this.generator !== undefined) {
      this.generator.onPeriodicEmit(this.watermarkOutput);
      this.nextPeriodicAt = now + this.periodicInterval;
    }
    this.router.flush();
    if (result.end === true) {
      this.finish();
      return;
    }
    if (result.retryAt !== undefined) this.retryAt = result.retryAt;
    else if (n === 0) this.retryAt = now + EMPTY_POLL_BACKOFF_MS;
  }

  private send(values: readonly unknown[], timestamps: readonly number[]): void {
    // Records first, then the generator: a watermark it emits from onEvent must not overtake them.
    this.router.emitBatch(values, timestamps);
    const generator = this.generator;
    if (generator !== undefined) {
      for (let i = 0; i < values.length; i++) generator.onEvent(values[i], timestamps[i]!, this.watermarkOutput);
    }
  }

  private activate(): void {
    if (this.idle) {
      this.idle = false;
      this.router.broadcast(ACTIVE);
    }
  }

  private finish(): void {
    this.activate();
    if (this.watermark < MAX_WATERMARK) {
      this.watermark = MAX_WATERMARK;
      this.ctx.watermark = MAX_WATERMARK;
      this.router.broadcast({ kind: "watermark", timestamp: MAX_WATERMARK });
    }
    this.router.broadcast(END);
    this.finished = true;
  }
}
