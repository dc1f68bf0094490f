import type { Source, SourcePoll, SourceReader } from "../connectors/Source.js";

/** A record of `SplitTestSource`: its split and its event time. */
export interface SplitEvent {
  split: string;
  ts: number;
}

/**
 * An unbounded source of one reader over named splits (like Kafka partitions), for tests of
 * per-split watermarks: the test appends records to a split (`push`) and sets which splits the
 * reader reads (`current`; `undefined` while the reader does not know its splits yet). Restorable:
 * a job restored from a checkpoint of it reads on from the checkpointed record of the same log.
 */
export class SplitTestSource implements Source<SplitEvent> {
  readonly bounded = false;
  readonly maxParallelism = 1;
  private readonly log: SplitEvent[] = [];
  private waiter: (() => void) | undefined;

  constructor(
    public current: string[] | undefined,
    readonly name = "splits",
  ) {}

  push(split: string, ...timestamps: number[]): void {
    for (const ts of timestamps) this.log.push({ split, ts });
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  createReader(): SourceReader<SplitEvent> {
    let offset = 0;
    const take = (max: number): SourcePoll<SplitEvent> => {
      const values = this.log.slice(offset, offset + max);
      offset += values.length;
      return { values, splits: values.map((e) => e.split) };
    };
    return {
      poll: (max) => (offset < this.log.length ? take(max) : new Promise((resolve) => (this.waiter = () => resolve(take(max))))),
      splits: () => this.current,
      // The position is the index of the next record in the log: a restored reader goes on from there.
      snapshotPosition: () => offset,
      restorePosition: (position) => {
        offset = position as number;
      },
    };
  }
}
