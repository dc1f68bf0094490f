import { open, type FileHandle } from "node:fs/promises";

export interface Line {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** 1-based line number. */
  line: number;
}

const CHUNK = 64 * 1024;

/**
 * Reads a file line by line from a byte offset, splitting on bytes (not characters) so offsets are
 * exact and UTF-8 sequences split across chunks decode correctly. A trailing line without newline is
 * held back until `final` reads (bounded files) or until its newline arrives (tailing).
 */
export class LineReader {
  private handle: FileHandle | undefined;
  private pending: Buffer = Buffer.alloc(0);
  /** Offset of the first byte of `pending`, i.e. the next line to hand out: the resume position. */
  private pendingOffset: number;
  private readOffset: number;
  private lineNumber: number;

  constructor(
    readonly path: string,
    start: { offset: number; line: number } = { offset: 0, line: 0 },
  ) {
    this.pendingOffset = start.offset;
    this.readOffset = start.offset;
    this.lineNumber = start.line;
  }

  /** Where to resume after a restore: the start of the first line not yet returned. */
  get position(): { offset: number; line: number } {
    return { offset: this.pendingOffset, line: this.lineNumber };
  }

  async open(): Promise<void> {
    this.handle = await open(this.path, "r");
  }

  async size(): Promise<number> {
    return (await this.handle!.stat()).size;
  }

  /** Starts over from the beginning (the tailed file was truncated or replaced). */
  reset(): void {
    this.pending = Buffer.alloc(0);
    this.pendingOffset = 0;
    this.readOffset = 0;
    this.lineNumber = 0;
  }

  /**
   * Up to `max` complete lines. `eof` is true when the end of the file was reached. With `final`, a
   * last line without a trailing newline is returned too.
   */
  async read(max: number, final: boolean): Promise<{ lines: Line[]; eof: boolean }> {
    const lines: Line[] = [];
    let eof = false;
    for (;;) {
      this.takeLines(lines, max);
      if (lines.length >= max) break;
      const buffer = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.handle!.read(buffer, 0, CHUNK, this.readOffset);
      if (bytesRead === 0) {
        eof = true;
        if (final && this.pending.length > 0) {
          this.lineNumber++;
          lines.push({ text: stripCr(this.pending.toString("utf8")), offset: this.pendingOffset, line: this.lineNumber });
          this.pendingOffset += this.pending.length;
          this.pending = Buffer.alloc(0);
        }
        break;
      }
      this.readOffset += bytesRead;
      this.pending = this.pending.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([this.pending, buffer.subarray(0, bytesRead)]);
    }
    return { lines, eof };
  }

  private takeLines(into: Line[], max: number): void {
    let start = 0;
    while (into.length < max) {
      const nl = this.pending.indexOf(10, start);
      if (nl < 0) break;
      this.lineNumber++;
      into.push({ text: stripCr(this.pending.toString("utf8", start, nl)), offset: this.pendingOffset + start, line: this.lineNumber });
      start = nl + 1;
    }
    if (start > 0) {
      this.pending = this.pending.subarray(start);
      this.pendingOffset += start;
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

function stripCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
