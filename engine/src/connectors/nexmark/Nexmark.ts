import type { Source, SourcePoll, SourceReader } from "../Source.js";
import type { NexmarkConfig, NexmarkEvent } from "./model.js";
import { NexmarkGenerator } from "./NexmarkGenerator.js";
import { mergeNexmarkPositions, type NexmarkPosition, type ReadEvents, readBefore, readUpTo } from "./position.js";

/** Options of `Nexmark.source()`: generator settings plus how many and how fast. */
export interface NexmarkOptions extends Partial<NexmarkConfig> {
  /** Stop after this many events (a bounded source). Default: unbounded. */
  count?: number;
  /** Events per second of processing time over all subtasks; `Infinity` = as fast as possible (default). */
  rate?: number;
}

/**
 * The Nexmark benchmark's event stream (people, auctions, bids) as an engine `Source`. Subtask `s` of
 * `p` produces event numbers `s, s+p, s+2p, ...`, so the stream's contents are the same at any
 * parallelism and each subtask's events are in event-time order. A job restores at another parallelism
 * (position.ts: the new subtasks skip the events the old ones read). Records carry their `dateTime` as the
 * source timestamp, so `WatermarkStrategy.forBoundedOutOfOrderness(...)` needs no timestamp assigner.
 *
 * @example
 * env.fromSource(Nexmark.source({ count: 1_000_000 }), WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(Time.seconds(4)))
 *   .filter((e): e is Bid => e.type === "bid")
 *   .map((b) => ({ auction: b.auction, price: b.price }))
 */
export const Nexmark = {
  source(options: NexmarkOptions = {}): Source<NexmarkEvent> {
    const { count = Number.POSITIVE_INFINITY, rate = Number.POSITIVE_INFINITY, ...config } = options;
    if (!(count >= 0)) throw new RangeError(`count must be >= 0, got ${count}`);
    if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
    new NexmarkGenerator(config); // validates the settings when the source is declared, not when it runs
    return {
      name: "nexmark",
      bounded: Number.isFinite(count),
      mergePositions: mergeNexmarkPositions,
      createReader(ctx): SourceReader<NexmarkEvent> {
        const { subtask, parallelism, clock } = ctx;
        const generator = new NexmarkGenerator(config);
        const share = rate / parallelism;
        let next = subtask;
        let produced = 0;
        let startedAt: number | undefined;
        // After a restore at another parallelism: the events read before it, skipped below `readUntil`.
        let read: ReadEvents | undefined;
        let readUntil = 0;
        return {
          poll(max): SourcePoll<NexmarkEvent> {
            let allowed = max;
            if (Number.isFinite(share)) {
              const now = clock.now();
              startedAt ??= now;
              const due = Math.floor(((now - startedAt) * share) / 1000) + 1;
              allowed = Math.min(max, due - produced);
              if (allowed <= 0) return { values: [], retryAt: startedAt + Math.ceil((produced * 1000) / share) };
            }
            if (next < readUntil) return catchUp(allowed);
            // Sized up front (growing by push showed in profiles): the events left for this subtask, at most `allowed`.
            const size = Math.max(0, Math.min(allowed, Math.ceil((count - next) / parallelism)));
            const values = new Array<NexmarkEvent>(size);
            const timestamps = new Array<number>(size);
            for (let i = 0; i < size; i++) {
              const event = generator.event(next);
              values[i] = event;
              timestamps[i] = event.dateTime;
              next += parallelism;
            }
            produced += size;
            return { values, timestamps, end: next >= count };
          },
          snapshotPosition: (): NexmarkPosition => (read ? { next, produced, read } : { next, produced }),
          restorePosition(position) {
            const p = position as NexmarkPosition;
            // A merged position (next < 0) starts this subtask at the first event of its class.
            next = p.next < 0 ? subtask : p.next;
            produced = p.produced;
            read = p.read;
            readUntil = readUpTo(read);
          },
        };
        /** Up to `allowed` events of this subtask's class not read before the restore. */
        function catchUp(allowed: number): SourcePoll<NexmarkEvent> {
          const values: NexmarkEvent[] = [];
          const timestamps: number[] = [];
          for (; next < count && values.length < allowed; next += parallelism) {
            if (readBefore(read, next)) continue;
            const event = generator.event(next);
            values.push(event);
            timestamps.push(event.dateTime);
          }
          produced += values.length;
          return { values, timestamps, end: next >= count };
        }
      },
    };
  },

  /** Events `from` (inclusive) to `to` (exclusive) as an array, without a job: for tests and checks. */
  events(options: Partial<NexmarkConfig>, from: number, to: number): NexmarkEvent[] {
    const generator = new NexmarkGenerator(options);
    const out: NexmarkEvent[] = [];
    for (let n = from; n < to; n++) out.push(generator.event(n));
    return out;
  },
};
