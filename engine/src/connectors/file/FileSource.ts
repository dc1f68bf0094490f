import { messages } from "../../errors/messages.js";
import { SourceError } from "../../errors/errors.js";
import type { Duration } from "../../time/Time.js";
import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../Source.js";
import { csvDecoder, DecodeFailure, jsonLinesDecoder, type CsvOptions, type JsonLinesOptions, type LineDecoder } from "./decoders.js";
import { LineReader } from "./LineReader.js";

interface Position {
  offset: number;
  line: number;
  decoder: unknown;
}

function lineFileSource<T>(name: string, path: string, makeDecoder: () => LineDecoder<T>, tail: { pollInterval: Duration } | undefined): Source<T> {
  return {
    name,
    bounded: tail === undefined,
    maxParallelism: 1,
    createReader(ctx: SourceReaderContext): SourceReader<T> {
      const decoder = makeDecoder();
      let reader = new LineReader(path);
      let opened = false;
      const where = { job: ctx.jobName, operator: name, subtask: ctx.subtask, source: path };
      const failed = (f: DecodeFailure) => ctx.badRecord(f.reason, f.raw, { source: path, offset: f.line.offset, line: f.line.line });
      return {
        async poll(max): Promise<SourcePoll<T>> {
          if (!opened) {
            try {
              await reader.open();
              opened = true;
            } catch (error) {
              if (tail !== undefined && (error as NodeJS.ErrnoException).code === "ENOENT") return { values: [], retryAt: ctx.clock.now() + tail.pollInterval };
              throw new SourceError(messages.sourceFailed(where, error), where, { cause: error });
            }
          }
          const { lines, eof } = await reader.read(max, tail === undefined);
          const values: T[] = [];
          for (const line of lines) {
            const result = decoder.decode(line);
            if (result instanceof DecodeFailure) failed(result);
            else if (result !== undefined) values.push(result);
          }
          if (tail === undefined) {
            if (eof) {
              const last = decoder.finish();
              if (last !== undefined) failed(last);
            }
            return { values, end: eof };
          }
          if (eof && lines.length === 0) {
            // A file shorter than our position was truncated or replaced: read it again from the start.
            if ((await reader.size()) < reader.position.offset) reader.reset();
            return { values, retryAt: ctx.clock.now() + tail.pollInterval };
          }
          return { values };
        },
        snapshotPosition: (): Position => ({ ...reader.position, decoder: decoder.state() }),
        restorePosition(position) {
          const p = position as Position;
          reader = new LineReader(path, { offset: p.offset, line: p.line });
          opened = false;
          decoder.restore(p.decoder);
        },
        close: () => reader.close(),
      };
    },
  };
}

export interface TailOptions {
  format?: "lines" | "jsonl" | "csv";
  /** How often to look for new data at the end of the file. Default 200 ms. */
  pollInterval?: Duration;
  csv?: CsvOptions<unknown>;
}

/**
 * File sources. Bounded ones end at the end of the file; `tail` follows a growing file forever (like
 * `tail -f`), restarting from the top if the file is truncated. Lines that cannot be parsed fail the
 * job with a `ParseError` naming file, line and offset, or become dead letters under
 * `env.setErrorPolicy("dead-letter")`.
 *
 * @example
 * env.fromSource(FileSource.csv<Trip>("trips.csv", { types: { fare: "number" } }))
 * env.fromSource(FileSource.jsonLines<Event>("events.jsonl"))
 * env.fromSource(FileSource.tail("app.log"))        // unbounded stream of lines
 */
export const FileSource = {
  jsonLines<T = unknown>(path: string, options: JsonLinesOptions<T> = {}): Source<T> {
    return lineFileSource(`jsonl:${path}`, path, () => jsonLinesDecoder(options), undefined);
  },
  csv<T = Record<string, unknown>>(path: string, options: CsvOptions<T> = {}): Source<T> {
    return lineFileSource(`csv:${path}`, path, () => csvDecoder(options), undefined);
  },
  /** Plain text lines. */
  lines(path: string): Source<string> {
    return lineFileSource(`lines:${path}`, path, () => textDecoder(), undefined);
  },
  tail<T = string>(path: string, options: TailOptions = {}): Source<T> {
    const tail = { pollInterval: options.pollInterval ?? 200 };
    const format = options.format ?? "lines";
    const make = (): LineDecoder<T> => (format === "jsonl" ? jsonLinesDecoder({}) : format === "csv" ? csvDecoder(options.csv ?? {}) : textDecoder()) as LineDecoder<T>;
    return lineFileSource(`tail:${path}`, path, make, tail);
  },
};

function textDecoder(): LineDecoder<string> {
  return { decode: (line) => line.text, finish: () => undefined, state: () => null, restore: () => {} };
}
