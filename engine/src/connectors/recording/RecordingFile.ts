import { closeSync, openSync, readSync } from "node:fs";
import { mkdir, open, rename, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { RecordingError } from "./errors.js";
import { footerLine, headerLine, MalformedLine, parseHeader, parseLine, type RecordingFooter, type RecordingHeader } from "./format.js";

/** Where a recording is written until it is complete. Never replayed; a crash leaves it for inspection. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

/**
 * Appends a recording to `<path>.partial` and renames it to `path` once its footer is synced, so a
 * file under the real name is always a finished recording (rename replaces an older one atomically).
 */
export class RecordingWriter {
  /** Bytes written so far: the offset at which the next line starts (a replay position). */
  bytes = 0;

  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
  ) {}

  static async create(path: string, header: RecordingHeader): Promise<RecordingWriter> {
    const tmp = partialPath(path);
    let handle: FileHandle;
    try {
      await mkdir(dirname(tmp), { recursive: true });
      handle = await open(tmp, "w");
    } catch (cause) {
      throw new RecordingError(`cannot create recording ${tmp}: ${(cause as Error).message}`, { source: tmp }, { cause });
    }
    const writer = new RecordingWriter(path, handle);
    await writer.append(headerLine(header));
    return writer;
  }

  async append(text: string): Promise<void> {
    if (text.length === 0) return;
    const handle = this.open();
    try {
      await handle.write(text);
    } catch (cause) {
      throw new RecordingError(`cannot write recording ${partialPath(this.path)}: ${(cause as Error).message}`, { source: partialPath(this.path) }, { cause });
    }
    this.bytes += Buffer.byteLength(text);
  }

  /** Writes the footer, makes it durable and gives the file its name. */
  async complete(footer: RecordingFooter): Promise<void> {
    await this.append(footerLine(footer));
    const handle = this.open();
    this.handle = undefined;
    try {
      await handle.sync();
      await handle.close();
      await rename(partialPath(this.path), this.path);
    } catch (cause) {
      throw new RecordingError(`cannot finish recording ${this.path}: ${(cause as Error).message}`, { source: this.path }, { cause });
    }
  }

  /** Stops writing without finishing: the `.partial` file stays, and the real name is untouched. */
  async abandon(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private open(): FileHandle {
    if (this.handle === undefined) throw new RecordingError(`recording ${this.path} is already closed`, { source: this.path });
    return this.handle;
  }
}

const EDGE = 64 * 1024;

/** Header and footer of a finished recording, and the byte offset of its first record line. */
export interface RecordingSummary {
  header: RecordingHeader;
  footer: RecordingFooter;
  firstLineOffset: number;
}

/**
 * Reads a recording's first and last lines. A file without a footer was not finished (written by
 * hand, or renamed from a `.partial`): it is refused rather than replayed short.
 */
export async function readSummary(path: string): Promise<RecordingSummary> {
  const handle = await open(path, "r").catch((cause: NodeJS.ErrnoException) => {
    throw new RecordingError(
      cause.code === "ENOENT" ? `no recording at ${path}: record one first (mode "record" or "auto")` : `cannot open recording ${path}: ${cause.message}`,
      { source: path },
      { cause },
    );
  });
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(EDGE, size));
    await handle.read(head, 0, head.length, 0);
    const firstNewline = head.indexOf(10);
    if (firstNewline < 0) throw new RecordingError(`recording ${path} has no complete header line`, { source: path, line: 1 });
    const header = parse(path, 1, () => parseHeader(head.toString("utf8", 0, firstNewline)));
    const tailStart = Math.max(0, size - EDGE);
    const tail = Buffer.alloc(size - tailStart);
    await handle.read(tail, 0, tail.length, tailStart);
    const text = tail.toString("utf8").trimEnd();
    const last = text.slice(text.lastIndexOf("\n") + 1);
    const unfinished = () => new RecordingError(`recording ${path} is unfinished (no end line): the recording run did not complete; record it again`, { source: path });
    if (tailStart + text.lastIndexOf("\n") + 1 <= firstNewline) throw unfinished();
    let footer: RecordingFooter;
    try {
      const line = parseLine(last);
      if (line.kind !== "end") throw unfinished();
      footer = line.footer;
    } catch (e) {
      if (e instanceof MalformedLine) throw unfinished();
      throw e;
    }
    return { header, footer, firstLineOffset: firstNewline + 1 };
  } finally {
    await handle.close();
  }
}

/** The header alone, read synchronously (a job decides how to build a reader before it opens it). */
export function readHeaderSync(path: string): RecordingHeader {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(EDGE);
    const n = readSync(fd, head, 0, EDGE, 0);
    const firstNewline = head.subarray(0, n).indexOf(10);
    if (firstNewline < 0) throw new RecordingError(`recording ${path} has no complete header line`, { source: path, line: 1 });
    return parse(path, 1, () => parseHeader(head.toString("utf8", 0, firstNewline)));
  } finally {
    closeSync(fd);
  }
}

/** Runs a line parser, turning its complaint into a `RecordingError` naming file and line. */
export function parse<R>(path: string, line: number, parseFn: () => R): R {
  try {
    return parseFn();
  } catch (e) {
    if (e instanceof MalformedLine) throw new RecordingError(`recording ${path}, line ${line}: ${e.message}`, { source: path, line }, { cause: e });
    throw e;
  }
}
