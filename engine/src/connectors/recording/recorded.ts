import { existsSync } from "node:fs";
import { ApiUsageError } from "../../errors/errors.js";
import type { Duration } from "../../time/Time.js";
import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../Source.js";
import { RecordingError } from "./errors.js";
import { FORMAT, VERSION, type RecordingHeader, type RecordingLimits } from "./format.js";
import { Recorder } from "./Recorder.js";
import { readHeaderSync, readSummary } from "./RecordingFile.js";
import { isRecordingPosition, Replayer, type RecordingPosition } from "./Replayer.js";

/**
 * `"auto"` (default): replay the recording if `path` holds one, else record one.
 * `"record"`: always read the live source and (once finished) replace the recording.
 * `"replay"`: only replay; a missing or unfinished recording fails the job.
 */
export type RecordingMode = "auto" | "record" | "replay";

/** For values JSON cannot hold (see `recorded`): `encode` must return JSON data, `decode` reverses it. */
export interface RecordingCodec<T> {
  encode(value: T): unknown;
  decode(json: unknown): T;
}

export interface RecordingOptions<T> {
  mode?: RecordingMode;
  /** Stop recording after this many records. */
  maxRecords?: number;
  /** Stop recording after this much processing time since the first poll. */
  maxDuration?: Duration;
  codec?: RecordingCodec<T>;
}

/** What the most recent run of a recorded source did. */
export interface RecordingRun {
  mode: "record" | "replay";
  path: string;
  /** Records recorded or replayed so far. */
  records: number;
  /** The recording was finished (record) or replayed to its end (replay). */
  complete: boolean;
}

export interface RecordedSource<T> extends Source<T> {
  readonly path: string;
  lastRun(): RecordingRun | undefined;
}

/**
 * Records what a live source reads into a JSON-lines file, and replays that file on later runs
 * instead of the live source, so a notebook or report made from live data (Kafka, a growing file)
 * re-executes to the same result, as Apache Beam's interactive recording does. Values and the
 * source's timestamps replay in the same order and batches, so event-time results are identical;
 * processing-time results are not (replay runs as fast as the job goes).
 *
 * The recorded source is bounded: recording an unbounded source needs `maxRecords` and/or
 * `maxDuration`, and the job then ends like a batch job. It runs with parallelism 1 and records the
 * one interleaving it read. Values must be JSON data; `Uint8Array`/`Buffer` (read back as `Buffer`)
 * and `Date` are tagged in the file (`{"$bytes": base64}`, `{"$date": iso}`); anything else that JSON
 * would change (NaN, Map, class instances, bigint) fails the recording with a `RecordingError` unless
 * a `codec` maps it. The file is written as `<path>.partial` and renamed when finished, so a crash
 * never leaves a short recording under `path`. Relative paths are resolved against the process's
 * working directory (in a notebook: the notebook's folder).
 *
 * @example
 * const orders = recorded(Kafka.source<Order>({ brokers, topics: ["orders"] }), "recordings/orders.jsonl", { maxRecords: 5_000 });
 * env.fromSource(orders, WatermarkStrategy.forBoundedOutOfOrderness<Order>(Time.seconds(5)).withTimestampAssigner((o) => o.ts));
 */
export function recorded<T>(source: Source<T>, path: string, options: RecordingOptions<T> = {}): RecordedSource<T> {
  const mode = options.mode ?? "auto";
  validate(source, path, mode, options);
  const limits: RecordingLimits = { maxRecords: options.maxRecords ?? null, maxDuration: options.maxDuration ?? null };
  let last: RecordingRun | undefined;
  return {
    name: `recorded:${source.name}`,
    bounded: true,
    maxParallelism: 1,
    path,
    lastRun: () => (last === undefined ? undefined : { ...last }),
    createReader(ctx: SourceReaderContext): SourceReader<T> {
      // Decided now, not in open(): the job asks a reader whether it has splits as it builds the
      // subtask, and a replay must answer as the recorded reader did. A replay never creates a live reader.
      const replay = mode === "replay" || (mode === "auto" && existsSync(path));
      const run: RecordingRun = { mode: replay ? "replay" : "record", path, records: 0, complete: false };
      last = run;
      const progress = (n: number) => (run.records = n);
      let restored: RecordingPosition | undefined;
      let replayer: Replayer<T> | undefined;
      let recorder: Recorder<T> | undefined;
      if (!replay) {
        const header: RecordingHeader = { format: FORMAT, version: VERSION, source: source.name, limits, recordedAt: "", codec: options.codec ? "codec" : "json", splits: false };
        const encode = options.codec === undefined ? undefined : (v: unknown) => options.codec!.encode(v as T);
        recorder = new Recorder<T>(source, ctx, { path, header, maxRecords: options.maxRecords, maxDuration: options.maxDuration, encode, progress });
        header.splits = recorder.hasSplits;
      }
      const reader: SourceReader<T> = {
        async open() {
          if (recorder !== undefined) {
            if (restored !== undefined) {
              throw new RecordingError(`recording ${path} was not finished when the checkpoint was taken; a live recording cannot resume (replay needs a finished recording)`, {
                source: path,
                job: ctx.jobName,
              });
            }
            await recorder.open();
            return;
          }
          if (mode === "auto") await checkMatches(path, source.name, limits);
          replayer = new Replayer<T>(path, ctx, options.codec?.decode, restored, progress);
          await replayer.open();
        },
        async poll(max): Promise<SourcePoll<T>> {
          const result = await (recorder ?? replayer!).poll(max);
          if (result.end === true) run.complete = true;
          return result;
        },
        snapshotPosition: () => (recorder ?? replayer)?.snapshotPosition() ?? restored,
        restorePosition(position) {
          if (!isRecordingPosition(position)) throw new RecordingError(`the checkpoint holds no recording position for ${path}`, { source: path });
          restored = position;
        },
        close: async () => (recorder ?? replayer)?.close(),
      };
      if (replay ? recordedWithSplits(path) : recorder!.hasSplits) reader.splits = () => (recorder ?? replayer)?.splits();
      return reader;
    },
  };
}

/**
 * Whether the recording's reader had splits, from its header. An unreadable header counts as no:
 * open() reads it again and fails the job with the reason.
 */
function recordedWithSplits(path: string): boolean {
  try {
    return readHeaderSync(path).splits === true;
  } catch {
    return false;
  }
}

async function checkMatches(path: string, sourceName: string, limits: RecordingLimits): Promise<void> {
  const { header } = await readSummary(path);
  // A recording of another source or with other limits is not what this cell asks for; replacing it
  // silently could throw away live data that cannot be read again, so the user decides.
  const same = header.source === sourceName && header.limits.maxRecords === limits.maxRecords && header.limits.maxDuration === limits.maxDuration;
  if (!same) {
    throw new RecordingError(
      `recording ${path} holds ${header.source} with ${describeLimits(header.limits)}, but this source is ${sourceName} with ${describeLimits(limits)}: ` +
        `use mode "record" to replace it, mode "replay" to use it anyway, or another path`,
      { source: path },
    );
  }
}

function describeLimits(l: RecordingLimits): string {
  const parts = [l.maxRecords === null ? undefined : `maxRecords ${l.maxRecords}`, l.maxDuration === null ? undefined : `maxDuration ${l.maxDuration} ms`].filter((p) => p !== undefined);
  return parts.length === 0 ? "no limits" : parts.join(", ");
}

function validate<T>(source: Source<T>, path: string, mode: RecordingMode, options: RecordingOptions<T>): void {
  if (typeof path !== "string" || path === "") throw new ApiUsageError("recorded() needs the recording's file path");
  if (mode !== "auto" && mode !== "record" && mode !== "replay") throw new ApiUsageError(`recorded(): mode must be "auto", "record" or "replay", got ${String(mode)}`);
  if (options.maxRecords !== undefined && !(Number.isInteger(options.maxRecords) && options.maxRecords > 0)) {
    throw new ApiUsageError(`recorded(): maxRecords must be a positive integer, got ${options.maxRecords}`);
  }
  if (options.maxDuration !== undefined && !(options.maxDuration > 0 && Number.isFinite(options.maxDuration))) {
    throw new ApiUsageError(`recorded(): maxDuration must be a positive number of milliseconds, got ${options.maxDuration}`);
  }
  if (mode !== "replay" && !source.bounded && options.maxRecords === undefined && options.maxDuration === undefined) {
    throw new ApiUsageError(`recorded(${source.name}): an unbounded source needs maxRecords or maxDuration, so the recording (and the job) ends`);
  }
}
