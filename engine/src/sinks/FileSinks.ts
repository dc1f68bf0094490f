import { open, type FileHandle } from "node:fs/promises";
import { formatCsvField } from "../connectors/file/csv.js";
import type { Sink, SinkWriter } from "./Sink.js";

export interface FileSinkOptions {
  /** Append to an existing file instead of replacing it. Default false. */
  append?: boolean;
}

/**
 * Writes each batch with one `write` call; the returned promise back-pressures the job while the disk
 * is busy. Checkpoints record the file length, and a restore truncates the file back to it, so the
 * file holds each record exactly once after a crash and restore.
 */
function fileSink<T>(name: string, path: string, options: FileSinkOptions, encode: (values: readonly T[], first: boolean) => string): Sink<T> {
  return {
    name,
    // One writer per file: several subtasks appending to one file would interleave partial batches.
    maxParallelism: 1,
    createWriter(): SinkWriter<T> {
      let handle: FileHandle | undefined;
      let first = true;
      let position = 0;
      let restored: { position: number; first: boolean } | undefined;
      return {
        async open() {
          if (restored !== undefined) {
            handle = await open(path, "r+");
            await handle.truncate(restored.position);
            position = restored.position;
            first = restored.first;
          } else {
            handle = await open(path, options.append === true ? "a" : "w");
            position = options.append === true ? (await handle.stat()).size : 0;
          }
        },
        async write(values) {
          if (values.length === 0) return;
          const bytes = Buffer.from(encode(values, first), "utf8");
          first = false;
          await handle!.write(bytes, 0, bytes.length, position);
          position += bytes.length;
        },
        async flush() {
          await handle?.sync();
        },
        async close() {
          await handle?.close();
          handle = undefined;
        },
        snapshotState: () => ({ position, first }),
        restoreState(state) {
          restored = state as { position: number; first: boolean };
        },
      };
    },
  };
}

/** One JSON document per line. */
export function jsonLinesSink<T>(path: string, options: FileSinkOptions = {}): Sink<T> {
  return fileSink<T>(`jsonl:${path}`, path, options, (values) => {
    let text = "";
    for (const v of values) text += `${JSON.stringify(v)}\n`;
    return text;
  });
}

export interface CsvSinkOptions<T> extends FileSinkOptions {
  /** Columns to write, in order. Default: the keys of the first record. */
  columns?: string[];
  /** Write a header line first. Default true (not when appending). */
  header?: boolean;
  delimiter?: string;
  /** Maps a record to a row object; default: the record itself. */
  toRow?: (value: T) => Record<string, unknown>;
}

export function csvSink<T>(path: string, options: CsvSinkOptions<T> = {}): Sink<T> {
  const delimiter = options.delimiter ?? ",";
  const toRow = options.toRow ?? ((v: T) => v as unknown as Record<string, unknown>);
  let columns = options.columns;
  const header = options.header ?? options.append !== true;
  return fileSink<T>(`csv:${path}`, path, options, (values, first) => {
    let text = "";
    for (const v of values) {
      const row = toRow(v);
      if (columns === undefined) columns = Object.keys(row);
      if (first && header && text === "") text += `${columns.map((c) => formatCsvField(c, delimiter)).join(delimiter)}\n`;
      text += `${columns.map((c) => formatCsvField(row[c], delimiter)).join(delimiter)}\n`;
    }
    return text;
  });
}
