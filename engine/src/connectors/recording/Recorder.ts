import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../Source.js";
import { RecordingError } from "./errors.js";
import { badLine, encodeRaw, recordLine, splitsLine, type BadRecordEntry, type EndReason, type RecordingHeader } from "./format.js";
import { encodeValue, ValueNotRepresentable } from "./jsonValues.js";
import type { RecordingPosition } from "./Replayer.js";
import { RecordingWriter } from "./RecordingFile.js";

export interface RecorderSettings {
  path: string;
  header: RecordingHeader;
  maxRecords: number | undefined;
  maxDuration: number | undefined;
  encode: ((value: unknown) => unknown) | undefined;
  /** Told how many records were written so far. */
  progress: (records: number) => void;
}

const TIMED_OUT = Symbol("timed out");

/**
 * Reads the live source and writes every poll to the recording before handing it on, so the file
 * always holds at least what the job has seen. Ends (returns `end`) at `maxRecords` records, after
 * `maxDuration` of processing time since the first poll, or when the live source ends; only then is
 * the file finished and named.
 */
export class Recorder<T> implements SourceReader<T> {
  private readonly inner: SourceReader<T>;
  private writer: RecordingWriter | undefined;
  private deadline = Number.POSITIVE_INFINITY;
  private startedAt = 0;
  private records = 0;
  private badRecords = 0;
  private lines = 0;
  private polls = 0;
  /** The live reader's splits as of its last completed poll (what the job's watermarks use). */
  private currentSplits: readonly string[] | undefined;
  private splitsChanged = false;
  private done = false;
  /** Bad records the live source reported during the poll in flight. */
  private bad: BadRecordEntry[] = [];

  constructor(
    source: Source<T>,
    private readonly ctx: SourceReaderContext,
    private readonly settings: RecorderSettings,
  ) {
    this.inner = this.createInner(source, ctx);
  }

  /** Whether the live reader has splits (per-split watermarks); the recorded reader mirrors it. */
  get hasSplits(): boolean {
    return typeof this.inner.splits === "function";
  }

  /**
   * The splits as of the last poll, not the live reader's current ones: between polls, a replay
   * can only know what the recording holds, and the record run must see the same.
   */
  splits(): readonly string[] | undefined {
    return this.currentSplits;
  }

  private createInner(source: Source<T>, ctx: SourceReaderContext): SourceReader<T> {
    return source.createReader({
      subtask: ctx.subtask,
      parallelism: ctx.parallelism,
      clock: ctx.clock,
      jobName: ctx.jobName,
      badRecord: (reason, raw, position) => {
        // Under the "fail" policy this throws and the recording is abandoned with the job.
        ctx.badRecord(reason, raw, position);
        // A poll still in flight when maxDuration ended the recording: its records are dropped
        // (never emitted), so its bad records are not recorded either.
        if (!this.done) this.bad.push({ reason, raw, position });
      },
    });
  }

  async open(): Promise<void> {
    await this.inner.open?.();
    this.startedAt = this.ctx.clock.now();
    this.writer = await RecordingWriter.create(this.settings.path, { ...this.settings.header, recordedAt: new Date(this.startedAt).toISOString() });
    if (this.settings.maxDuration !== undefined) this.deadline = this.startedAt + this.settings.maxDuration;
  }

  async poll(max: number): Promise<SourcePoll<T>> {
    if (this.done) return { values: [], end: true };
    if (this.ctx.clock.now() >= this.deadline) return this.finish("maxDuration", { values: [] });
    const room = Math.min(max, (this.settings.maxRecords ?? Number.POSITIVE_INFINITY) - this.records);
    const polled = await this.pollUntilDeadline(room);
    if (polled === TIMED_OUT) return this.finish("maxDuration", { values: [] });
    this.noteSplits(this.inner.splits?.());
    let { values, timestamps, splits } = polled;
    // A source may return more than asked; what is beyond the limit was never part of the recording.
    if (values.length > room) {
      values = values.slice(0, room);
      timestamps = timestamps?.slice(0, room);
      splits = splits?.slice(0, room);
    }
    await this.write(values, timestamps, splits);
    const out: SourcePoll<T> = { values };
    if (timestamps !== undefined) out.timestamps = timestamps;
    if (splits !== undefined) out.splits = splits;
    if (this.records >= (this.settings.maxRecords ?? Number.POSITIVE_INFINITY)) return this.finish("maxRecords", out);
    if (polled.end === true) return this.finish("sourceEnded", out);
    // Wake up at the deadline at the latest, even when the live source asks to wait longer.
    if (polled.retryAt !== undefined) out.retryAt = Math.min(polled.retryAt, this.deadline);
    return out;
  }

  snapshotPosition(): RecordingPosition {
    return { entries: this.lines, offset: this.writer?.bytes ?? 0, splits: this.currentSplits === undefined ? undefined : [...this.currentSplits] };
  }

  async close(): Promise<void> {
    // Closed before finishing (cancelled, failed): the named recording, if any, stays untouched.
    if (!this.done) await this.writer?.abandon();
    this.done = true;
    await this.inner.close?.();
  }

  private pollUntilDeadline(max: number): Promise<SourcePoll<T> | typeof TIMED_OUT> | SourcePoll<T> {
    const polled = this.inner.poll(max);
    if (!(polled instanceof Promise) || this.deadline === Number.POSITIVE_INFINITY) return polled;
    return new Promise((resolve, reject) => {
      const cancel = this.ctx.clock.wakeAt(this.deadline, () => resolve(TIMED_OUT));
      polled.then(
        (r) => {
          cancel();
          resolve(r);
        },
        (e: unknown) => {
          cancel();
          reject(e);
        },
      );
    });
  }

  private noteSplits(splits: readonly string[] | undefined): void {
    const same =
      splits === this.currentSplits ||
      (splits !== undefined && this.currentSplits !== undefined && splits.length === this.currentSplits.length && splits.every((id, k) => id === this.currentSplits![k]));
    if (same) return;
    this.currentSplits = splits === undefined ? undefined : [...splits];
    this.splitsChanged = true;
  }

  /** One poll's lines: a split change first (the job applies it before the poll's records), bad records, records. */
  private async write(values: readonly T[], timestamps: readonly number[] | undefined, splits: readonly string[] | undefined): Promise<void> {
    const bad = this.bad;
    this.bad = [];
    if (values.length === 0 && bad.length === 0 && !this.splitsChanged) return;
    const poll = this.polls++;
    let text = "";
    if (this.splitsChanged) {
      text += splitsLine(poll, this.currentSplits);
      this.lines++;
      this.splitsChanged = false;
    }
    for (const b of bad) text += badLine(poll, b, encodeRaw(b.raw));
    for (let i = 0; i < values.length; i++) text += recordLine(poll, timestamps?.[i] ?? Number.NaN, splits?.[i], this.encode(values[i]!, timestamps?.[i]));
    await this.writer!.append(text);
    this.records += values.length;
    this.badRecords += bad.length;
    this.lines += values.length + bad.length;
    this.settings.progress(this.records);
  }

  private encode(value: T, timestamp: number | undefined): string {
    try {
      return encodeValue(this.settings.encode === undefined ? value : this.settings.encode(value));
    } catch (cause) {
      if (!(cause instanceof ValueNotRepresentable)) throw cause;
      throw new RecordingError(`recording ${this.settings.path}: ${cause.message}`, { source: this.settings.path, record: value, ...(timestamp !== undefined ? { timestamp } : {}) }, { cause });
    }
  }

  private async finish(reason: EndReason, out: SourcePoll<T>): Promise<SourcePoll<T>> {
    // Bad records of a poll cut short by the deadline were already dead-lettered live: keep them.
    if (out.values.length === 0) await this.write([], undefined, undefined);
    this.done = true;
    await this.writer!.complete({
      records: this.records,
      badRecords: this.badRecords,
      lines: this.lines,
      polls: this.polls,
      reason,
      durationMs: this.ctx.clock.now() - this.startedAt,
    });
    out.end = true;
    return out;
  }
}
