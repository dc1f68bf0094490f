import type { ConnectorStatus } from "../connectors/ConnectorStatus.js";
import type { Source, SourcePoll, SourceReader } from "../connectors/Source.js";

/**
 * A source the test drives, behaving like a one-partition log: `push` appends, every job that reads it
 * starts at the beginning (or at its checkpointed offset after a restore), and `end` closes the log.
 *
 * @example
 * const src = new TestSource<number>();
 * env.fromSource(src, WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner(x => x))...
 * const job = env.execute();
 * src.push(1, 2, 3); await job.whenIdle();
 * src.end(); await job.done;
 */
export class TestSource<T> implements Source<T> {
  readonly name: string;
  readonly bounded = false;
  readonly maxParallelism = 1;
  private readonly log: { value: T; timestamp: number }[] = [];
  private ended = false;
  private waiters: (() => void)[] = [];
  /** How many times a reader was created (each job run creates one). */
  readers = 0;
  /** What its reader reports as `connectorStatus()`, as a Kafka reader would (for tests of how a job shows connector trouble); none by default. */
  connectorStatus: ConnectorStatus | undefined = undefined;

  constructor(name = "test-source") {
    this.name = name;
  }

  push(...values: T[]): this {
    for (const value of values) this.log.push({ value, timestamp: Number.NaN });
    this.wake();
    return this;
  }

  /** Records with an explicit source timestamp (used when the strategy has no timestamp assigner). */
  pushWithTimestamp(value: T, timestamp: number): this {
    this.log.push({ value, timestamp });
    this.wake();
    return this;
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  get size(): number {
    return this.log.length;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  createReader(): SourceReader<T> {
    this.readers++;
    let offset = 0;
    const take = (max: number): SourcePoll<T> => {
      const batch = this.log.slice(offset, offset + max);
      offset += batch.length;
      return { values: batch.map((r) => r.value), timestamps: batch.map((r) => r.timestamp), end: this.ended && offset >= this.log.length };
    };
    return {
      poll: (max) => {
        if (offset < this.log.length || this.ended) return take(max);
        return new Promise<SourcePoll<T>>((resolve) => this.waiters.push(() => resolve(take(max))));
      },
      snapshotPosition: () => offset,
      restorePosition: (position) => {
        offset = position as number;
      },
      connectorStatus: () => this.connectorStatus,
    };
  }
}
