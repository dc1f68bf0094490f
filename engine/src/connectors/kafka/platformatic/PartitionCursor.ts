/**
 * One partition's read position, and (read_committed) the records waiting for their transaction's
 * outcome.
 *
 * Three offsets: `fetchOffset`, where the next fetch starts (past everything fetched); `next`,
 * after the last record handed out (what a checkpoint may store); `passed`, after the last record
 * or marker that is decided (what `fetchPosition` reports, so a bounded read ends).
 *
 * read_committed is decided on transaction markers alone (`ReadCommittedQueue`), as for kafkajs.
 * @platformatic/kafka's own filter of aborted batches is not exact, so PlatformaticConsumer never
 * hands this cursor an answer that filter changed (see its `refetchUncommitted`).
 */
import type { KafkaRecord } from "../KafkaClient.js";
import { ReadCommittedQueue, isCommitMarkerKey } from "../ReadCommittedQueue.js";
import type { RecordsBatch } from "./library.js";
import { CONTROL, TRANSACTIONAL, toKafkaRecord } from "./records.js";

export class PartitionCursor {
  fetchOffset: number;
  next: number;
  passed: number;
  /** read_committed only. */
  private readonly held: ReadCommittedQueue | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    offset: number,
    readCommitted: boolean,
  ) {
    this.fetchOffset = this.next = this.passed = offset;
    if (readCommitted) this.held = new ReadCommittedQueue();
  }

  /** `fetchPosition` of the PartitionConsumer contract. */
  get position(): number {
    return Math.max(this.passed, this.next);
  }

  /** Start over at `offset` (after OFFSET_OUT_OF_RANGE): undecided records are dropped and fetched again. */
  seek(offset: number): void {
    this.held?.clear();
    this.fetchOffset = this.next = this.passed = offset;
  }

  /**
   * Takes the batches of one fetch response for this partition, those ending at or before `below`
   * only (a read_uncommitted response cut at its last stable offset); returns the records now
   * readable, in offset order. The next fetch starts at the first batch not taken.
   */
  accept(batches: readonly RecordsBatch[], below = Number.POSITIVE_INFINITY): KafkaRecord[] {
    const out: KafkaRecord[] = [];
    for (const batch of batches) {
      const first = Number(batch.firstOffset);
      const end = first + batch.lastOffsetDelta + 1;
      // The broker answers with whole batches: the first one may start before our position.
      const from = this.fetchOffset;
      if (end <= from) continue;
      if (end > below) break;
      this.fetchOffset = end;
      if ((batch.attributes & CONTROL) !== 0) {
        this.held?.marker(batch.producerId, isCommitMarkerKey(batch.records[0]?.key));
        continue;
      }
      const transactional = (batch.attributes & TRANSACTIONAL) !== 0;
      for (const r of batch.records) {
        if (first + r.offsetDelta < from) continue;
        const record = toKafkaRecord(this.topic, this.partition, batch, r);
        if (this.held === undefined || this.held.add(record, transactional, batch.producerId)) out.push(record);
      }
    }
    this.held?.release(out);
    if (out.length > 0) this.next = out[out.length - 1]!.offset + 1;
    // Everything before the first undecided record is decided (markers and aborted records too).
    this.passed = this.held?.firstHeldOffset ?? this.fetchOffset;
    return out;
  }
}
