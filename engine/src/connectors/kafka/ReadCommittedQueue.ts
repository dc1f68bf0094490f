import type { KafkaRecord } from "./KafkaClient.js";

/** A producer's id as the client library gives it (kafkajs: string, @platformatic/kafka: bigint). */
export type ProducerKey = string | bigint;

interface Entry {
  record: KafkaRecord;
  state: "pending" | "keep" | "drop";
}

/**
 * read_committed for one partition, decided on transaction markers rather than on the fetch
 * response's list of aborted transactions (kafkajs reads that list wrongly when transactions of
 * several producers interleave; @platformatic/kafka applies it per response only, so an abort
 * whose marker arrives in a later response gets through).
 *
 * The broker returns records only below the last stable offset, so every transactional record's
 * commit or abort marker follows it in the partition. A transactional record therefore waits here
 * until its producer's marker; a non-transactional record waits only behind undecided ones, so the
 * partition's order is kept. Feed records and markers in offset order; `release` hands out what is
 * decided. Nothing here is checkpointed: positions only advance over released records, so after a
 * restore or a seek the undecided records are fetched again (`clear` first).
 */
export class ReadCommittedQueue {
  private queue: Entry[] = [];
  /** The undecided records of each producer's open transaction. */
  private readonly open = new Map<ProducerKey, Entry[]>();

  /** Takes the next record; returns true when it goes straight out (nothing undecided before it, not transactional). */
  add(record: KafkaRecord, transactional: boolean, producer: ProducerKey): boolean {
    if (!transactional && this.queue.length === 0) return true;
    const entry: Entry = { record, state: transactional ? "pending" : "keep" };
    if (transactional) {
      let list = this.open.get(producer);
      if (list === undefined) this.open.set(producer, (list = []));
      list.push(entry);
    }
    this.queue.push(entry);
    return false;
  }

  /** A commit or abort marker of `producer`: decides its open transaction's records. */
  marker(producer: ProducerKey, commit: boolean): void {
    const entries = this.open.get(producer);
    if (entries === undefined) return; // nothing of it was read here (or the library already dropped it)
    this.open.delete(producer);
    for (const e of entries) e.state = commit ? "keep" : "drop";
  }

  /** Moves the decided head of the queue out: kept records are appended to `out`, dropped ones vanish. */
  release(out: KafkaRecord[]): void {
    let decided = 0;
    for (const e of this.queue) {
      if (e.state === "pending") break;
      decided++;
      if (e.state === "keep") out.push(e.record);
    }
    if (decided > 0) this.queue.splice(0, decided);
  }

  /** The offset of the first record still held, if any: everything before it is decided. */
  get firstHeldOffset(): number | undefined {
    return this.queue[0]?.record.offset;
  }

  clear(): void {
    this.queue = [];
    this.open.clear();
  }
}

/** Whether a transaction marker's record key (version int16, then type int16) says commit (1) rather than abort (0). */
export function isCommitMarkerKey(key: Buffer | null | undefined): boolean {
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === 1;
}
