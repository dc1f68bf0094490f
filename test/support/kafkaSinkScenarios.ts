/**
 * The exactly-once Kafka sink's two-phase commit scenarios, driven the same way through every Kafka
 * client (test/integration's kafkaSink.test.ts with kafkajs, kafkaPlatformaticClient.test.ts with
 * @platformatic/kafka): each test builds the sink on its client, runs a scenario, and reads the topic
 * back with its own reader.
 */
import assert from "node:assert/strict";
import type { KafkaCommittable, TransactionalKafkaWriter } from "../../engine/src/connectors/kafka/TransactionalKafkaWriter.js";
import type { Sink } from "../../engine/src/sinks/Sink.js";

export interface Item {
  id: number;
  batch: string;
}

/** `n` items of one batch, ids 0…n-1. */
export const items = (batch: string, n: number): Item[] => Array.from({ length: n }, (_, id) => ({ id, batch }));
/** `n` records' timestamps: none. */
export const times = (n: number): number[] => new Array<number>(n).fill(Number.NaN);
/** How many items of each batch. */
export const countBy = (list: Item[]): Record<string, number> => list.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.batch]: (acc[r.batch] ?? 0) + 1 }), {});

type Writer = TransactionalKafkaWriter<Item>;
const writerOf = (sink: Sink<Item>): Writer => sink.createWriter({ jobName: "t", subtask: 0, parallelism: 1 }) as Writer;

/**
 * Checkpoint 1's 300 items ("committed-1") committed; checkpoint 2's 200 ("aborted") prepared, the
 * checkpoint aborted, then the job (abort); the restarted job's writer (same transactional id) commits
 * checkpoint 3's 100 ("committed-3") and closes with 50 ("open-at-close") in an open transaction. After
 * it, read_committed holds committed-1 and committed-3 once each; read_uncommitted all four batches.
 * `check` sees the first writer before it opens.
 */
export async function commitAbortAndLeaveOpen(sink: Sink<Item>, check?: (writer: Writer) => void): Promise<void> {
  const writer = writerOf(sink);
  check?.(writer);
  try {
    await writer.open();
    await writer.write(items("committed-1", 300), times(300));
    const { producerId, producerEpoch, ...committable } = writer.prepareCommit(1) as KafkaCommittable;
    assert.deepEqual(committable, { transactionalId: writer.transactionalId, checkpointId: 1, records: 300 });
    assert.ok(/^\d+$/.test(producerId ?? "") && Number.isInteger(producerEpoch), "the committable names the producer that owns the transaction");
    await writer.commit(1);
    await writer.write(items("aborted", 200), times(200));
    writer.prepareCommit(2);
    writer.checkpointAborted(2); // checkpoint 2 failed (its transaction goes on), then the job: abort drops it
    await writer.abort();
  } finally {
    await writer.close();
  }
  const restarted = writerOf(sink);
  try {
    await restarted.open();
    await restarted.write(items("committed-3", 100), times(100));
    restarted.prepareCommit(3);
    await restarted.commit(3);
    await restarted.write(items("open-at-close", 50), times(50));
  } finally {
    await restarted.close(); // aborts the open transaction
  }
}

/**
 * A writer crashes with checkpoint 7's 100 items ("lost-in-crash") prepared; the restarted one, with the
 * same transactional id, fences it and aborts its transaction at open, then commits checkpoint 8's 100
 * ("after-restart"), and the crashed one can no longer commit. After it, read_committed holds after-restart only.
 */
export async function fenceCrashedWriter(sink: Sink<Item>): Promise<void> {
  const crashed = writerOf(sink);
  await crashed.open();
  await crashed.write(items("lost-in-crash", 100), times(100));
  crashed.prepareCommit(7); // the crash happens before checkpoint 7 completes
  const restarted = writerOf(sink);
  assert.equal(restarted.transactionalId, crashed.transactionalId, "stable transactional id per subtask");
  try {
    await restarted.open(); // fences `crashed` and aborts its transaction
    await restarted.write(items("after-restart", 100), times(100));
    restarted.prepareCommit(8);
    await restarted.commit(8);
    await assert.rejects(crashed.commit(7), /commit failed/, "the fenced writer can no longer commit");
  } finally {
    await restarted.close();
    await crashed.close().catch(() => undefined); // fenced: its abort fails too, which is expected here
  }
}
