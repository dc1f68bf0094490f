import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../connectors/Source.js";

/** A seeded pseudo-random generator (mulberry32): same seed, same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where inside a poll a checkpoint is triggered. */
export type TriggerPoint = "before-poll" | "poll-in-flight" | "after-poll";

export interface ChaosOptions {
  random: () => number;
  /** Share of polls passed through without pauses (1: the reader as it is, checkpoints still cut mid-poll). Default 0.2. */
  passThrough?: number;
  /** Asks for a checkpoint now, if the test wants one at this poll and point (the caller decides). */
  trigger?: (poll: number, point: TriggerPoint) => void;
}

/**
 * Wraps a source so that its polls are interleaved with the rest of the job at random: a poll is
 * passed through as is, or made asynchronous with pauses (microtasks, event-loop turns, short
 * timers) before the reader is polled and after its result is in, as a rate limiter or any other
 * wrapper that awaits around `poll` would. `trigger` is called at the points where a checkpoint
 * barrier can overtake the poll's records: before it, while the reader's own poll is in flight, and
 * after the reader has handed its records to the wrapper but before the engine has them.
 */
export function chaosSource<T>(source: Source<T>, options: ChaosOptions): Source<T> {
  const { random, trigger } = options;
  const passThrough = options.passThrough ?? 0.2;
  let polls = 0;
  const pause = async (): Promise<void> => {
    const r = random();
    if (r < 0.4) await Promise.resolve();
    else if (r < 0.85) await new Promise<void>((resolve) => setImmediate(resolve));
    else await new Promise<void>((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
  };
  const maybePause = async (p: number): Promise<void> => {
    if (random() < p) await pause();
  };
  const wrapped: Source<T> = {
    name: source.name,
    bounded: source.bounded,
    ...(source.maxParallelism !== undefined ? { maxParallelism: source.maxParallelism } : {}),
    createReader(ctx: SourceReaderContext): SourceReader<T> {
      const inner = source.createReader(ctx);
      const reader: SourceReader<T> = {
        poll(max): SourcePoll<T> | Promise<SourcePoll<T>> {
          const poll = ++polls;
          trigger?.(poll, "before-poll");
          if (random() < passThrough) {
            const result = inner.poll(max);
            trigger?.(poll, "poll-in-flight");
            trigger?.(poll, "after-poll");
            return result;
          }
          return (async () => {
            await maybePause(0.5);
            const polled = inner.poll(max);
            trigger?.(poll, "poll-in-flight");
            const result = await polled;
            await maybePause(0.7);
            trigger?.(poll, "after-poll");
            await maybePause(0.5);
            return result;
          })();
        },
      };
      // Only the hooks the reader has: the engine treats a reader with `splits` differently.
      if (inner.open !== undefined) reader.open = () => inner.open!();
      if (inner.snapshotPosition !== undefined) reader.snapshotPosition = () => inner.snapshotPosition!();
      if (inner.restorePosition !== undefined) reader.restorePosition = (p) => inner.restorePosition!(p);
      if (inner.notifyCheckpointComplete !== undefined) reader.notifyCheckpointComplete = (id, p) => inner.notifyCheckpointComplete!(id, p);
      if (inner.splits !== undefined) reader.splits = () => inner.splits!();
      if (inner.close !== undefined) reader.close = () => inner.close!();
      return reader;
    },
  };
  if (source.mergePositions !== undefined) wrapped.mergePositions = (positions) => source.mergePositions!(positions);
  return wrapped;
}
