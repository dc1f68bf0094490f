/**
 * kafkajs does not call `eachBatch` for a fetched batch whose records it filtered out entirely (a
 * fetch that returned only a transaction marker, or only records its aborted-transaction filter
 * drops); it only emits END_BATCH_PROCESS. Sluice's read_committed consumer decides transactions
 * from their markers itself (`KafkajsConsumer.acceptCommitted`), so a commit marker that arrives in
 * a fetch of its own would never be seen: the transaction's records would wait forever, and a
 * bounded read would end without them (END_BATCH_PROCESS moves the fetch position past them).
 *
 * kafkajs 2.2.4 (pinned) has no option for this, so `Batch.prototype.isEmpty` and
 * `isEmptyDueToFiltering` are wrapped: for topics a Sluice read_committed consumer currently reads,
 * a batch counts as empty only if it has no records at all (markers included), so it reaches
 * `eachBatch` (with `batch.messages` empty). Other topics behave exactly as before; another kafkajs
 * consumer in the same process reading the same topic may get such a batch with no `messages`.
 */
import { createRequire } from "node:module";

interface BatchLike {
  topic: string;
  messagesWithinOffset: unknown[];
  isEmpty(): boolean;
  isEmptyDueToFiltering(): boolean;
}

const require = createRequire(import.meta.url);
/** Topic → number of open read_committed Sluice consumers reading it. */
const readers = new Map<string, number>();
let patched = false;

function patch(): void {
  if (patched) return;
  patched = true;
  const Batch = require("kafkajs/src/consumer/batch.js") as { prototype: BatchLike };
  const isEmpty = Batch.prototype.isEmpty;
  const isEmptyDueToFiltering = Batch.prototype.isEmptyDueToFiltering;
  if (typeof isEmpty !== "function" || typeof isEmptyDueToFiltering !== "function") {
    throw new Error("this kafkajs version's Batch has no isEmpty/isEmptyDueToFiltering; read_committed needs them (see kafkajsFilteredBatches.ts)");
  }
  Batch.prototype.isEmpty = function (this: BatchLike) {
    return readers.has(this.topic) ? this.messagesWithinOffset.length === 0 : isEmpty.call(this);
  };
  Batch.prototype.isEmptyDueToFiltering = function (this: BatchLike) {
    // Records below the fetched offset only (compaction): kafkajs's own handling stays.
    return readers.has(this.topic) ? this.messagesWithinOffset.length === 0 && isEmptyDueToFiltering.call(this) : isEmptyDueToFiltering.call(this);
  };
}

/** Makes kafkajs deliver filtered batches of these topics to `eachBatch`; call the result when done reading. */
export function deliverFilteredBatches(topics: readonly string[]): () => void {
  patch();
  for (const t of topics) readers.set(t, (readers.get(t) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const t of topics) {
      const n = (readers.get(t) ?? 0) - 1;
      if (n <= 0) readers.delete(t);
      else readers.set(t, n);
    }
  };
}
