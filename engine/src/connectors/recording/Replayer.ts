import { LineReader } from "../file/LineReader.js";
import type { SourcePoll, SourceReader, SourceReaderContext } from "../Source.js";
import { RecordingError } from "./errors.js";
import { parseLine, type RecordingFooter, type RecordingLine } from "./format.js";
import { parse, readSummary } from "./RecordingFile.js";

/**
 * A recording source's checkpointed position: how many lines (after the header) were handed out and the
 * byte offset of the next one. Record and replay runs count alike, so a checkpoint taken while
 * recording resumes by replaying the finished recording from there.
 */
export interface RecordingPosition {
  entries: number;
  offset: number;
  /** The reader's splits at that point (split lines before it are not read again). */
  splits?: string[] | undefined;
}

export function isRecordingPosition(p: unknown): p is RecordingPosition {
  return typeof p === "object" && p !== null && typeof (p as RecordingPosition).entries === "number" && typeof (p as RecordingPosition).offset === "number";
}

const READ_AHEAD = 1024;

/**
 * Replays a finished recording: the same records, source timestamps and bad records, in the same
 * polls (a poll larger than `max` is split), as fast as the job takes them. Refuses an unfinished
 * file before emitting anything, and fails at the end if the lines disagree with the footer's counts.
 */
export class Replayer<T> implements SourceReader<T> {
  private lines: LineReader | undefined;
  private footer: RecordingFooter | undefined;
  private ahead: { line: RecordingLine; offset: number }[] = [];
  private eof = false;
  private entries = 0;
  private records = 0;
  private badRecords = 0;
  private nextOffset = 0;
  private ended = false;
  private currentSplits: readonly string[] | undefined;

  constructor(
    private readonly path: string,
    private readonly ctx: SourceReaderContext,
    private readonly decode: ((json: unknown) => unknown) | undefined,
    private readonly restored: RecordingPosition | undefined,
    private readonly progress: (records: number) => void,
  ) {}

  async open(): Promise<void> {
    const summary = await readSummary(this.path);
    this.footer = summary.footer;
    // Values written by a codec are only meaningful through that codec, and plain ones without it.
    if ((summary.header.codec === "codec") !== (this.decode !== undefined)) {
      const was = summary.header.codec === "codec" ? "with a codec" : "without a codec";
      throw new RecordingError(`recording ${this.path} was made ${was}; replay it the same way (the codec option of recorded())`, { source: this.path, job: this.ctx.jobName });
    }
    // A position taken before the recording wrote its header (offset 0) means "from the start".
    const start = this.restored !== undefined && this.restored.offset >= summary.firstLineOffset ? this.restored : { entries: 0, offset: summary.firstLineOffset };
    this.entries = start.entries;
    this.nextOffset = start.offset;
    this.currentSplits = this.restored?.splits;
    // Line numbers in errors count the header as line 1.
    this.lines = new LineReader(this.path, { offset: start.offset, line: start.entries + 1 });
    await this.lines.open();
  }

  async poll(max: number): Promise<SourcePoll<T>> {
    if (this.ended) return { values: [], end: true };
    const values: T[] = [];
    const timestamps: number[] = [];
    const splits: string[] = [];
    let anyTimestamp = false;
    let anySplit = false;
    let poll: number | undefined;
    for (;;) {
      const next = await this.peek();
      if (next.kind === "end") {
        this.verify(next.footer);
        this.ended = true;
        break;
      }
      if (poll !== undefined && (next.poll !== poll || values.length >= max)) break;
      poll = next.poll;
      this.take();
      if (next.kind === "splits") {
        this.currentSplits = next.splits;
        continue;
      }
      if (next.kind === "bad") {
        this.badRecords++;
        this.ctx.badRecord(next.bad.reason, next.bad.raw, next.bad.position);
        continue;
      }
      this.records++;
      values.push((this.decode === undefined ? next.value : this.decode(next.value)) as T);
      timestamps.push(next.timestamp);
      if (!Number.isNaN(next.timestamp)) anyTimestamp = true;
      if (next.split !== undefined) anySplit = true;
      splits.push(next.split!);
    }
    this.progress(this.records);
    const out: SourcePoll<T> = { values };
    if (anyTimestamp) out.timestamps = timestamps;
    if (anySplit) out.splits = splits;
    if (this.ended) out.end = true;
    return out;
  }

  /** The splits as of the last replayed poll, as the record run reported them. */
  splits(): readonly string[] | undefined {
    return this.currentSplits;
  }

  snapshotPosition(): RecordingPosition {
    return { entries: this.entries, offset: this.nextOffset, splits: this.currentSplits === undefined ? undefined : [...this.currentSplits] };
  }

  async close(): Promise<void> {
    await this.lines?.close();
  }

  private async peek(): Promise<RecordingLine> {
    if (this.ahead.length === 0) await this.readAhead();
    return this.ahead[0]!.line;
  }

  private take(): void {
    this.ahead.shift();
    this.entries++;
    this.nextOffset = this.ahead[0]?.offset ?? this.lines!.position.offset;
  }

  private async readAhead(): Promise<void> {
    if (this.eof) throw this.damaged("the lines end before the end line");
    const { lines, eof } = await this.lines!.read(READ_AHEAD, true);
    this.eof = eof;
    for (const l of lines) {
      if (l.text.trim() === "") continue;
      this.ahead.push({ line: parse(this.path, l.line, () => parseLine(l.text)), offset: l.offset });
    }
    if (this.ahead.length === 0) throw this.damaged("the lines end before the end line");
  }

  private verify(footer: RecordingFooter): void {
    const last = this.footer!;
    if (footer.records !== last.records || footer.badRecords !== last.badRecords) throw this.damaged("an end line before its last line");
    if (this.entries !== footer.lines) throw this.damaged(`the end line counts ${footer.lines} lines, the file holds ${this.entries}`);
    // After a restore this run saw only the rest; without one, each kind must match too.
    if (this.restored === undefined && (this.records !== footer.records || this.badRecords !== footer.badRecords)) {
      throw this.damaged(`the end line counts ${footer.records} records and ${footer.badRecords} bad ones, the file holds ${this.records} and ${this.badRecords}`);
    }
  }

  private damaged(why: string): RecordingError {
    return new RecordingError(`recording ${this.path} is damaged: ${why}`, { source: this.path, job: this.ctx.jobName });
  }
}
