import { DEAD_LETTERS } from "../api/OutputTag.js";
import { ParseError, SluiceError, UserFunctionError, type ErrorContext } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import { missingTimestamp, NoTimestamp } from "../operators/missingTimestamp.js";
import type { Clock } from "../time/Clock.js";
import type { WatermarkOutput } from "../time/WatermarkGenerator.js";
import type { DeadLetter, ErrorPolicy, OperatorContext, OperatorCounters } from "../operators/Operator.js";
import type { OutputRouter } from "./OutputRouter.js";

/** The most recent dead letters of a job, kept so nothing routed away is invisible even without a consumer. */
export class DeadLetterLog {
  /** A ring of the last `keep` letters; `next` is the oldest once it is full. */
  private readonly items: DeadLetter[] = [];
  private next = 0;
  total = 0;
  constructor(private readonly keep: number) {}

  add(letter: DeadLetter): void {
    this.total++;
    if (this.keep <= 0) return;
    if (this.items.length < this.keep) {
      this.items.push(letter);
      return;
    }
    this.items[this.next] = letter;
    this.next = (this.next + 1) % this.keep;
  }

  /** Oldest first. */
  recent(): DeadLetter[] {
    return [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
  }
}

export interface SubtaskIdentity {
  jobName: string;
  operatorName: string;
  operatorId: number;
  subtask: number;
  parallelism: number;
  maxParallelism: number;
  errorPolicy: ErrorPolicy;
  autoWatermarkInterval: number;
}

const NO_WATERMARKS: WatermarkOutput = { emitWatermark: () => {}, markIdle: () => {}, markActive: () => {} };

/** The `OperatorContext` of one subtask: identity, output, clock, error routing. */
export class SubtaskContext<OUT> implements OperatorContext<OUT> {
  readonly jobName: string;
  readonly operatorName: string;
  readonly operatorId: number;
  readonly subtask: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly errorPolicy: ErrorPolicy;
  readonly autoWatermarkInterval: number;
  readonly counters: OperatorCounters = { lateRecordsDropped: 0, deadLetters: 0 };
  watermark = Number.NEGATIVE_INFINITY;
  /**
   * `watermarks`: for operators that generate watermarks, the owning task's way to send them (a
   * source's context has none: its task generates them itself).
   */
  constructor(
    identity: SubtaskIdentity,
    readonly clock: Clock,
    readonly output: OutputRouter<OUT>,
    private readonly deadLetters: DeadLetterLog,
    readonly watermarks: WatermarkOutput = NO_WATERMARKS,
  ) {
    this.jobName = identity.jobName;
    this.operatorName = identity.operatorName;
    this.operatorId = identity.operatorId;
    this.subtask = identity.subtask;
    this.parallelism = identity.parallelism;
    this.maxParallelism = identity.maxParallelism;
    this.errorPolicy = identity.errorPolicy;
    this.autoWatermarkInterval = identity.autoWatermarkInterval;
  }

  currentWatermark(): number {
    return this.watermark;
  }

  errorContext(extra: Partial<ErrorContext> = {}): ErrorContext {
    return { job: this.jobName, operator: this.operatorName, subtask: this.subtask, ...extra };
  }

  userError(cause: unknown, record: unknown, timestamp: number, key?: unknown): void {
    // A SluiceError thrown by nested engine code already names its place; don't wrap it twice.
    const error =
      cause instanceof NoTimestamp
        ? missingTimestamp(this, key, record, cause.fix)
        : cause instanceof SluiceError
          ? cause
          : new UserFunctionError(messages.userFunctionFailed(this.errorContext({ key, record }), cause), this.errorContext({ key, record, timestamp }), { cause });
    this.route(error, record, timestamp, key);
  }

  badRecord(error: Error & { context?: { source?: string; offset?: number; line?: number } }, raw: unknown): void {
    this.route(error, raw, Number.NaN, undefined);
  }

  /** Source readers report unparsable input through this. */
  parseFailure(reason: string, raw: unknown, position: { source?: string; offset?: number; line?: number }): void {
    const ctx = this.errorContext({ ...position, record: raw });
    this.route(new ParseError(messages.parseFailed(ctx, reason), ctx), raw, Number.NaN, undefined);
  }

  private route(error: Error & { context?: ErrorContext }, record: unknown, timestamp: number, key: unknown): void {
    if (this.errorPolicy !== "dead-letter") throw error;
    const position = error.context ?? {};
    const letter: DeadLetter = {
      job: this.jobName,
      operator: this.operatorName,
      subtask: this.subtask,
      reason: error.cause instanceof Error ? error.cause.message : error.message,
      errorType: error.name,
      record,
      at: this.clock.now(),
    };
    if (key !== undefined) letter.key = key;
    if (!Number.isNaN(timestamp)) letter.timestamp = timestamp;
    if (position.source !== undefined) letter.source = position.source;
    if (position.offset !== undefined) letter.offset = position.offset;
    if (position.line !== undefined) letter.line = position.line;
    this.counters.deadLetters++;
    this.deadLetters.add(letter);
    this.output.emitSide(DEAD_LETTERS, letter, timestamp);
  }
}
