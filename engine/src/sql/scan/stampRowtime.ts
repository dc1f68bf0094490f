import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../../connectors/Source.js";

/**
 * `source` with each poll's records timestamped by their rowtime, computed for the whole poll by one
 * generated loop (`rowtimes`), so the source's watermark strategy needs no timestamp assigner (a call
 * per record, which V8 does not inline: each query compiles its own). When the loop throws, the poll
 * is stamped record by record (`rowtime`) and a record that throws is reported as a bad record of the
 * source (a dead letter, or the job fails, by the error policy) and left out.
 */
export function stampRowtime<T>(source: Source<T>, rowtimes: (values: readonly T[], out: number[]) => void, rowtime: (r: T) => number): Source<T> {
  return {
    name: source.name,
    bounded: source.bounded,
    ...(source.maxParallelism !== undefined ? { maxParallelism: source.maxParallelism } : {}),
    ...(source.mergePositions ? { mergePositions: source.mergePositions.bind(source) } : {}),
    createReader: (ctx) => stampedReader(source.createReader(ctx), ctx, rowtimes, rowtime, source.name),
  };
}

function stampedReader<T>(reader: SourceReader<T>, ctx: SourceReaderContext, rowtimes: (values: readonly T[], out: number[]) => void, rowtime: (r: T) => number, name: string): SourceReader<T> {
  const stamp = (poll: SourcePoll<T>): SourcePoll<T> => {
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
  const stampEach = (poll: SourcePoll<T>): SourcePoll<T> => {
    const kept: SourcePoll<T> = { ...poll, values: [], timestamps: [], ...(poll.splits ? { splits: [] } : {}) };
    poll.values.forEach((r, i) => {
      let t: number;
      try {
        t = rowtime(r);
      } catch (cause) {
        ctx.badRecord(`the rowtime of a record of ${name} could not be computed: ${cause instanceof Error ? cause.message : String(cause)}`, r, { source: name });
        return;
      }
      kept.values.push(r);
      kept.timestamps?.push(t);
      if (poll.splits) (kept.splits as string[]).push(poll.splits[i] as string);
    });
    return kept;
  };
  const stamped: SourceReader<T> = {
    poll: (max) => {
      const poll = reader.poll(max);
      return poll instanceof Promise ? poll.then(stamp) : stamp(poll);
    },
  };
  if (reader.open) stamped.open = reader.open.bind(reader);
  if (reader.snapshotPosition) stamped.snapshotPosition = reader.snapshotPosition.bind(reader);
  if (reader.restorePosition) stamped.restorePosition = reader.restorePosition.bind(reader);
  if (reader.notifyCheckpointComplete) stamped.notifyCheckpointComplete = reader.notifyCheckpointComplete.bind(reader);
  if (reader.splits) stamped.splits = reader.splits.bind(reader);
  if (reader.close) stamped.close = reader.close.bind(reader);
  return stamped;
}
