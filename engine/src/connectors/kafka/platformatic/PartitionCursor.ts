/**
 * One partition's read position, and (read_committed) the records waiting for their transaction's
 * outcome.
 *
 * Three offsets: `fetchOffset`, where the next fetch starts (past everything fetched); `next`,
 * after the last record handed out (what a checkpoint may store); `passed`, after the last record
 * or marker that is decided (what `fetchPosition` reports, so a bounded read ends).
 *
 * read_committed decides records from transaction markers, as KafkajsConsumer does for kafkajs:
 * the broker returns records only below the last stable offset, so every transactional record's
 * commit or abort marker follows it in the partition; a transactional record waits until its
 * producer's marker. @platformatic/kafka does filter aborted batches itself (`Consumer.fetch` with
 * READ_COMMITTED), but only per fetch response and with one range per producer: a transaction whose
 * abort marker comes in a later response than its records (large transactions, small fetches) or a
 * producer with two aborted transactions in one response gets through. Its filter only ever drops
 * records of aborted transactions, so the two together are still exact.
 */
import type { KafkaRecord } from "../KafkaClient.js";
import type { RecordsBatch } from "./library.js";
import { CONTROL, TRANSACTIONAL, isCommitMarker, toKafkaRecord } from "./records.js";

interface Pending {
  record: KafkaRecord;
  state: "pending" | "keep" | "drop";
}

export class PartitionCursor {
  fetchOffset: number;
  next: number;
  passed: number;
  /** read_committed: undecided and decided-but-blocked records, in offset order. */
  private queue: Pending[] = [];
  /** read_committed: the undecided records of each producer's open transaction. */
  private readonly open = new Map<bigint, Pending[]>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    offset: number,
    private readonly readCommitted: boolean,
  ) {
    this.fetchOffset = this.next = this.passed = offset;
  }

  /** `fetchPosition` of the PartitionConsumer contract. */
  get position(): number {
    return Math.max(this.passed, this.next);
  }

  /** Start over at `offset` (after OFFSET_OUT_OF_RANGE): undecided records are dropped and fetched again. */
  seek(offset: number): void {
    this.queue = [];
    this.open.clear();
    this.fetchOffset = this.next = this.passed = offset;
  }

  /** Takes the batches of one fetch response for this partition; returns the records now readable, in offset order. */
  accept(batches: readonly RecordsBatch[]): KafkaRecord[] {
    const out: KafkaRecord[] = [];
    for (const batch of batches) {
      const first = Number(batch.firstOffset);
      const end = first + batch.lastOffsetDelta + 1;
      // The broker answers with whole batches: the first one may start before our position.
      const from = this.fetchOffset;
      if (end <= from) continue;
      this.fetchOffset = end;
      if ((batch.attributes & CONTROL) !== 0) {
        if (this.readCommitted) this.decide(batch.producerId, isCommitMarker(batch));
        continue;
      }
      const undecided = this.readCommitted && (batch.attributes & TRANSACTIONAL) !== 0;
      for (const r of batch.records) {
        if (first + r.offsetDelta < from) continue;
        const record = toKafkaRecord(this.topic, this.partition, batch, r);
        if (!undecided && this.queue.length === 0) {
          out.push(record); // the common case: nothing undecided before it
          continue;
        }
        const entry: Pending = { record, state: undecided ? "pending" : "keep" };
        if (undecided) {
          let list = this.open.get(batch.producerId);
          if (list === undefined) this.open.set(batch.producerId, (list = []));
          list.push(entry);
        }
        this.queue.push(entry);
      }
    }
    if (this.queue.length > 0) this.release(out);
    if (out.length > 0) this.next = out[out.length - 1]!.offset + 1;
    // Everything before the first undecided record is decided (markers and aborted records too).
    this.passed = this.queue[0]?.record.offset ?? this.fetchOffset;
    return out;
  }

  private decide(producerId: bigint, commit: boolean): void {
    const entries = this.open.get(producerId);
    if (entries === undefined) return; // nothing of it was read (or the library dropped the aborted batches)
    this.open.delete(producerId);
    for (const e of entries) e.state = commit ? "keep" : "drop";
  }

  /** Moves the decided head of the queue out (kept records to `out`, dropped ones nowhere). */
  private release(out: KafkaRecord[]): void {
    let decided = 0;
    for (const e of this.queue) {
      if (e.state === "pending") break;
      decided++;
      if (e.state === "keep") out.push(e.record);
    }
    if (decided > 0) this.queue.splice(0, decided);
  }
}
