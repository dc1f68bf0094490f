/**
 * The recording file: JSON lines, readable with `head`/`jq`.
 *
 *   {"format":"sluice-recording","version":1,"source":"kafka:orders","limits":{"maxRecords":500,"maxDuration":null},"recordedAt":"…","codec":"json"}
 *   {"p":0,"splits":["orders[0]","orders[1]"]}                  the reader's splits changed (sources with splits only)
 *   {"p":0,"t":1700000000000,"s":"orders[1]","v":{"id":"o1","amount":12}}   a record of poll 0: source timestamp, split, value
 *   {"p":0,"v":"no timestamp"}                                  (no "t": the source gave none; no "s": it has no splits)
 *   {"p":1,"bad":{"reason":"…","raw":"{oops","position":{"offset":12}}}   a record the source could not parse
 *   {"end":{"records":500,"badRecords":1,"lines":502,"polls":7,"reason":"maxRecords","durationMs":812}}
 *
 * `p` numbers the source's polls: replay hands records out in the same batches, with the same splits
 * (per-split watermarks, e.g. Kafka partitions), so watermarks (made after every batch) and hence
 * late data and window results come out identical. The footer is
 * written last, and the file only gets its name once the footer is on disk, so a file under that
 * name is complete; the footer's counts are checked again at the end of every replay.
 */
import { describeValue } from "../../errors/errors.js";
import { decodeJson, encodeValue } from "./jsonValues.js";

export const FORMAT = "sluice-recording";
export const VERSION = 1;

export interface RecordingLimits {
  maxRecords: number | null;
  maxDuration: number | null;
}

export interface RecordingHeader {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** The recorded source's name, e.g. "kafka:orders" or "tail:app.log". */
  source: string;
  limits: RecordingLimits;
  recordedAt: string;
  /** "json": values as in `jsonValues.ts`; "codec": values as the recording's `codec.encode` wrote them. */
  codec: "json" | "codec";
  /** The source's reader had splits (`SourceReader.splits`), so replay has them too. */
  splits: boolean;
}

/** Why a recording ended. */
export type EndReason = "maxRecords" | "maxDuration" | "sourceEnded";

export interface RecordingFooter {
  records: number;
  badRecords: number;
  /** Lines between header and footer (records, bad records, split changes). */
  lines: number;
  polls: number;
  reason: EndReason;
  durationMs: number;
}

export interface BadRecordEntry {
  reason: string;
  raw: unknown;
  position: { source?: string; offset?: number; line?: number };
}

export type RecordingLine =
  | { kind: "record"; poll: number; timestamp: number; split: string | undefined; value: unknown }
  | { kind: "bad"; poll: number; bad: BadRecordEntry }
  | { kind: "splits"; poll: number; splits: string[] | undefined }
  | { kind: "end"; footer: RecordingFooter };

export function headerLine(header: RecordingHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** `encoded` is the value's JSON text (from `encodeValue`). NaN timestamps and absent splits are left out. */
export function recordLine(poll: number, timestamp: number, split: string | undefined, encoded: string): string {
  const t = Number.isNaN(timestamp) ? "" : `"t":${timestamp},`;
  const s = split === undefined ? "" : `"s":${JSON.stringify(split)},`;
  return `{"p":${poll},${t}${s}"v":${encoded}}\n`;
}

/** `undefined`: the reader no longer knows its splits (written as null). */
export function splitsLine(poll: number, splits: readonly string[] | undefined): string {
  return `{"p":${poll},"splits":${JSON.stringify(splits ?? null)}}\n`;
}

export function badLine(poll: number, bad: BadRecordEntry, encodedRaw: string): string {
  return `{"p":${poll},"bad":{"reason":${JSON.stringify(bad.reason)},"raw":${encodedRaw},"position":${JSON.stringify(bad.position)}}}\n`;
}

export function footerLine(footer: RecordingFooter): string {
  return `${JSON.stringify({ end: footer })}\n`;
}

/** Why a line is not what the format allows (the caller adds path and line number). */
export class MalformedLine extends Error {}

export function parseHeader(text: string): RecordingHeader {
  let h: Partial<RecordingHeader>;
  try {
    h = JSON.parse(text) as Partial<RecordingHeader>;
  } catch (e) {
    throw new MalformedLine(`the first line is not JSON (${(e as Error).message})`);
  }
  if (h === null || typeof h !== "object" || h.format !== FORMAT) throw new MalformedLine(`the first line is not a ${FORMAT} header`);
  if (h.version !== VERSION) throw new MalformedLine(`version ${String(h.version)} is not supported (this engine reads version ${VERSION})`);
  if (typeof h.source !== "string" || typeof h.limits !== "object" || h.limits === null) throw new MalformedLine("the header lacks source or limits");
  return h as RecordingHeader;
}

export function parseLine(text: string): RecordingLine {
  let o: { p?: unknown; t?: unknown; s?: unknown; v?: unknown; bad?: BadRecordEntry; splits?: unknown; end?: RecordingFooter };
  try {
    o = decodeJson(text) as typeof o;
  } catch (e) {
    throw new MalformedLine(`not JSON (${(e as Error).message})`);
  }
  if (o === null || typeof o !== "object") throw new MalformedLine("not a JSON object");
  if (o.end !== undefined) {
    const f = o.end;
    if (typeof f !== "object" || f === null || typeof f.records !== "number" || typeof f.badRecords !== "number" || typeof f.lines !== "number") {
      throw new MalformedLine("an end line without records, badRecords and lines counts");
    }
    return { kind: "end", footer: f };
  }
  if (typeof o.p !== "number") throw new MalformedLine('a line without a poll number "p"');
  if (o.bad !== undefined) return { kind: "bad", poll: o.p, bad: o.bad };
  if (o.splits !== undefined) {
    if (o.splits !== null && !(Array.isArray(o.splits) && o.splits.every((x) => typeof x === "string"))) throw new MalformedLine('"splits" is not a list of split ids');
    return { kind: "splits", poll: o.p, splits: (o.splits as string[] | null) ?? undefined };
  }
  if (!("v" in o)) throw new MalformedLine('a record line without a value "v"');
  if (o.t !== undefined && typeof o.t !== "number") throw new MalformedLine('a timestamp "t" that is not a number');
  if (o.s !== undefined && typeof o.s !== "string") throw new MalformedLine('a split "s" that is not a string');
  return { kind: "record", poll: o.p, timestamp: o.t ?? Number.NaN, split: o.s, value: o.v };
}

/** Encodes a bad record's raw input; it is diagnostic only, so what JSON cannot hold is kept as its description. */
export function encodeRaw(raw: unknown): string {
  try {
    return encodeValue(raw);
  } catch {
    // The raw bytes of an unparsable record may be anything (e.g. a Kafka record object); its
    // description is what a dead letter shows anyway, and replay passes that string on.
    return JSON.stringify(describeRaw(raw));
  }
}

function describeRaw(raw: unknown): string {
  return typeof raw === "string" ? raw : describeValue(raw, 100_000);
}
