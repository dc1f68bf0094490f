import { KafkaSourceStalledError } from "./errors.js";
import { partitionKey, type PartitionOffset } from "./KafkaClient.js";

/** Default `stallTimeoutMs` of the Kafka source. */
export const DEFAULT_STALL_TIMEOUT_MS = 120_000;

/**
 * The Kafka source's safety net against a reader that stops fetching while the broker is fine
 * (issue 13: a job sat silent for minutes after a broker bounce, neither failing nor reading). A
 * stuck source is not caught by the checkpoint timeout, since barriers pass a source between polls.
 *
 * Each poll reports its progress marks (per partition: how far the reader has got, emitted records
 * or passed transaction markers). While the marks do not move, the partitions' end offsets are
 * asked for every quarter timeout, without blocking a poll. The reader is stalled when the marks
 * have not moved for the whole timeout, the broker has answered those queries for the whole
 * timeout (a broker that is down or hung is the consumer's to wait for, and a broker just back
 * gets a full timeout to be read from), and a partition's end lies past its mark. `check` then
 * throws a `KafkaSourceStalledError` naming that partition, and the restart strategy takes over.
 *
 * End offsets are listed read_committed (the last stable offset, with either client), so a
 * transaction an upstream producer keeps open is not taken for records waiting.
 */
export class StallWatch {
  private progress = Number.NaN;
  private quietSince = 0;
  /** Time of the first of the unbroken run of answered end-offset queries (undefined: none yet, or the last failed). */
  private reachableSince: number | undefined;
  private nextQueryAt = 0;
  /** The end-offset query in flight, if any. */
  private query: { startedAt: number } | undefined;
  private ends: PartitionOffset[] | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly endOffsets: () => Promise<PartitionOffset[]>,
  ) {}

  /** Called after a poll that handed over records: the next `check` starts counting afresh (cheaper than marks per busy poll). */
  progressed(): void {
    this.progress = Number.NaN;
  }

  /** Called after a poll that handed over nothing, with the reader's marks; throws when the reader is stalled. */
  check(marks: ReadonlyMap<string, PartitionOffset>): void {
    const now = this.now();
    let sum = 0;
    for (const m of marks.values()) sum += m.offset;
    if (sum !== this.progress) {
      // Moved (or first call, or a reopened consumer): start over.
      this.progress = sum;
      this.quietSince = now;
      this.reachableSince = undefined;
      this.ends = undefined;
      this.nextQueryAt = now + this.timeoutMs / 4;
      return;
    }
    if (this.query !== undefined && now - this.query.startedAt >= this.timeoutMs / 2) {
      // A query that never answers (a hung broker, a stuck connection) counts as unreachable, and must not end the checks.
      this.query = undefined;
      this.unreachable();
    }
    if (now >= this.nextQueryAt && this.query === undefined) this.startQuery(now);
    const since = this.reachableSince;
    if (since === undefined || this.ends === undefined || now - this.quietSince < this.timeoutMs || now - since < this.timeoutMs) return;
    for (const end of this.ends) {
      const mark = marks.get(partitionKey(end.topic, end.partition));
      if (mark === undefined || end.offset <= mark.offset) continue;
      const quietFor = Math.round((now - this.quietSince) / 1000);
      throw new KafkaSourceStalledError(`no progress for ${quietFor} s while the broker answers and ${end.offset - mark.offset} records wait (end offset ${end.offset}); failing over`, {
        topic: end.topic,
        partition: end.partition,
        offset: mark.offset,
      });
    }
  }

  private startQuery(now: number): void {
    this.nextQueryAt = now + this.timeoutMs / 4;
    const started = this.progress;
    const query = (this.query = { startedAt: now });
    this.endOffsets()
      .then(
        (ends) => {
          // Progress meanwhile, or given up on: this answer is stale.
          if (this.query !== query || started !== this.progress) return;
          this.reachableSince ??= now;
          this.ends = ends;
        },
        () => {
          // Unreachable (the consumer reports that in the status): the broker gets a full timeout once back.
          if (this.query !== query) return;
          this.unreachable();
        },
      )
      .finally(() => {
        if (this.query === query) this.query = undefined;
      });
  }

  private unreachable(): void {
    this.reachableSince = undefined;
    this.ends = undefined;
  }
}
