import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../../connectors/Source.js";
import { missingTimestamp, NoTimestamp } from "../../operators/missingTimestamp.js";

/**
 * `source` with each poll's records timestamped by their rowtime, computed for the whole poll by one
 * generated loop (`rowtimes`), so the source's watermark strategy needs no timestamp assigner (a call
 * per record, which V8 does not inline: each query compiles its own). When the loop throws, the poll
 * is stamped record by record (`rowtime`) and a record that throws is reported as a bad record of the
 * source (a dead letter, or the job fails, by the error policy) and left out.
 */
export function stampRowtime<T>(source: Source<T>, rowtimes: (values: readonly T[], out: number[]) => void, rowtime: (r: T) => number): Source<T> {
  return mapPolls(source, (ctx) => {
    const stampEach = (poll: SourcePoll<T>): SourcePoll<T> =>
      eachRecord(poll, ctx, source.name, "rowtime", true, (r, kept) => {
        const t = rowtime(r);
        kept.values.push(r);
        kept.timestamps?.push(t);
      });
    return (poll) => {
      const n = poll.values.length;
      if (n === 0) return poll;
      const timestamps = new Array<number>(n);
      try {
        rowtimes(poll.values, timestamps);
        return { ...poll, timestamps };
      } catch {
        return stampEach(poll);
      }
    };
  });
}

/**
 * `source` with every poll's values replaced by `map` of them (a record `map` throws on is reported
 * as a bad record of the source and left out), keeping its positions, splits and timestamps.
 */
export function mapValues<T, U>(source: Source<T>, what: string, map: (value: T) => U): Source<U> {
  return mapPolls(
    source,
    (ctx) => (poll) =>
      eachRecord(poll, ctx, source.name, what, poll.timestamps !== undefined, (r, kept) => {
        kept.values.push(map(r));
        if (poll.timestamps) kept.timestamps?.push(poll.timestamps[kept.index] as number);
      }),
  );
}

/**
 * Runs `add` for each record of `poll`, which pushes what it makes into `kept` (values, timestamps);
 * `kept.index` is the record's index in `poll`; `timestamps`: the result has some. A record `add` throws on (before pushing anything)
 * is reported as a bad record and left out, and its split with it.
 */
function eachRecord<T, U>(poll: SourcePoll<T>, ctx: SourceReaderContext, name: string, what: string, timestamps: boolean, add: (r: T, kept: SourcePoll<U> & { index: number }) => void): SourcePoll<U> {
  const { timestamps: _given, ...rest } = poll;
  const kept: SourcePoll<U> & { index: number } = { ...rest, values: [], ...(timestamps ? { timestamps: [] } : {}), ...(poll.splits ? { splits: [] } : {}), index: 0 };
  poll.values.forEach((r, i) => {
    kept.index = i;
    try {
      add(r, kept);
    } catch (cause) {
      // A NULL rowtime fails the job, as in Flink (its WatermarkAssignerOperator throws), whatever the error policy.
      if (cause instanceof NoTimestamp) throw missingTimestamp({ jobName: ctx.jobName, operatorName: name, subtask: ctx.subtask }, undefined, r, cause.fix);
      ctx.badRecord(`the ${what} of a record of ${name} could not be computed: ${cause instanceof Error ? cause.message : String(cause)}`, r, { source: name });
      return;
    }
    if (poll.splits) (kept.splits as string[]).push(poll.splits[i] as string);
  });
  const { index: _, ...result } = kept;
  return result;
}

/** `source` whose readers hand over `transform(ctx)` of each poll; everything else is the reader's own. */
function mapPolls<T, U>(source: Source<T>, transform: (ctx: SourceReaderContext) => (poll: SourcePoll<T>) => SourcePoll<U>): Source<U> {
  return {
    name: source.name,
    bounded: source.bounded,
    ...(source.maxParallelism !== undefined ? { maxParallelism: source.maxParallelism } : {}),
    ...(source.mergePositions ? { mergePositions: source.mergePositions.bind(source) } : {}),
    createReader: (ctx) => {
      const reader = source.createReader(ctx);
      const map = transform(ctx);
      const mapped: SourceReader<U> = {
        poll: (max) => {
          const poll = reader.poll(max);
          return poll instanceof Promise ? poll.then(map) : map(poll);
        },
      };
      if (reader.open) mapped.open = reader.open.bind(reader);
      if (reader.snapshotPosition) mapped.snapshotPosition = reader.snapshotPosition.bind(reader);
      if (reader.restorePosition) mapped.restorePosition = reader.restorePosition.bind(reader);
      if (reader.notifyCheckpointComplete) mapped.notifyCheckpointComplete = reader.notifyCheckpointComplete.bind(reader);
      if (reader.splits) mapped.splits = reader.splits.bind(reader);
      if (reader.close) mapped.close = reader.close.bind(reader);
      return mapped;
    },
  };
}
