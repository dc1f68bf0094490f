import type { Source, SourcePoll, SourceReader } from "../Source.js";
import type { Duration } from "../../time/Time.js";
import { rngFor } from "./random.js";

/** Settings shared by every generator. */
export interface DataGenOptions {
  /** Same seed, same records. Default 42. */
  seed?: number;
  /** Records per second of processing time, over all subtasks. `Infinity` = as fast as possible. Default 100. */
  rate?: number;
  /** Stop after this many records (a bounded source). Default: unbounded. */
  count?: number;
  /** Event-time density: records per second of event time. Default `rate`, or 1000 when rate is Infinity. */
  eventsPerSecond?: number;
  /** Event time of record 0 (epoch ms). Default 2023-11-14T22:13:20Z, fixed so runs are reproducible. */
  startTime?: number;
  /** Records arrive up to this many ms out of event-time order. Default 0 (in order). */
  maxOutOfOrderness?: Duration;
}

export const DEFAULT_START_TIME = 1_700_000_000_000;

/**
 * A rate-controlled generator. Record `i` is `make(i, ts, rng)` with `rng` seeded by (seed, i) and
 * `ts = startTime + i·1000/eventsPerSecond − U[0, maxOutOfOrderness]`, so any two records are at most
 * `maxOutOfOrderness` out of order: `WatermarkStrategy.forBoundedOutOfOrderness(maxOutOfOrderness)`
 * then sees no late data. Subtask `s` of `p` produces indices `s, s+p, ...`: the same records for
 * every parallelism. Pacing follows the environment's clock.
 */
export function generatorSource<T>(name: string, make: (index: number, timestamp: number, rng: () => number) => T, options: DataGenOptions = {}): Source<T> {
  const seed = options.seed ?? 42;
  const rate = options.rate ?? 100;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const eventsPerSecond = options.eventsPerSecond ?? (Number.isFinite(rate) ? rate : 1000);
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const disorder = options.maxOutOfOrderness ?? 0;
  if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
  if (!(eventsPerSecond > 0)) throw new RangeError(`eventsPerSecond must be > 0, got ${eventsPerSecond}`);
  return {
    name,
    bounded: Number.isFinite(count),
    createReader(ctx): SourceReader<T> {
      const { subtask, parallelism, clock } = ctx;
      const share = rate / parallelism;
      let produced = 0; // records produced by this subtask, over restores
      let paced = 0; // records produced since this reader started: the rate applies from here, not from the first run
      let next = subtask; // next global index
      let start = startTime; // restored with the position: a resumed job continues the event-time line it was on
      let startedAt: number | undefined;
      return {
        poll(max): SourcePoll<T> {
          const now = clock.now();
          startedAt ??= now;
          let allowed = max;
          if (Number.isFinite(share)) {
            const due = Math.floor(((now - startedAt) * share) / 1000) + 1;
            allowed = Math.min(max, due - paced);
            if (allowed <= 0) return { values: [], retryAt: startedAt + Math.ceil((paced * 1000) / share) };
          }
          const values: T[] = [];
          const timestamps: number[] = [];
          while (values.length < allowed && next < count) {
            const rng = rngFor(seed, next);
            const ts = start + Math.floor((next * 1000) / eventsPerSecond) - (disorder > 0 ? Math.floor(rng() * (disorder + 1)) : 0);
            values.push(make(next, ts, rng));
            timestamps.push(ts);
            next += parallelism;
            produced++;
            paced++;
          }
          return { values, timestamps, end: next >= count };
        },
        snapshotPosition: () => ({ produced, next, startTime: start }),
        restorePosition(position) {
          const p = position as { produced: number; next: number; startTime?: number };
          produced = p.produced;
          next = p.next;
          start = p.startTime ?? startTime;
        },
      };
    },
  };
}
