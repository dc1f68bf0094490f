import type { SinkWriter } from "../../sinks/Sink.js";
import { KafkaConnectorError, KafkaTransactionError, errorMessage } from "./errors.js";
import type { KafkaClient, KafkaProducer, KafkaTransaction, OutgoingRecord, ProducerIdentity } from "./KafkaClient.js";
import { withRetry, type BackoffOptions, type StatusTracker } from "./retry.js";

/** What a prepared transaction leaves for the checkpoint (JSON-serializable). */
export interface KafkaCommittable {
  transactionalId: string;
  checkpointId: number;
  records: number;
}

/**
 * Exactly-once Kafka writer: two-phase commit over Kafka transactions, as Flink's KafkaSink.
 *
 * Call order, driven by the engine's checkpoints:
 *   write* → prepareCommit(n) [barrier n reached the sink; returns the committable to store]
 *          → commit(n)        [checkpoint n is complete everywhere]
 *   abort()                   [checkpoint failed / job cancelled: everything not committed vanishes]
 *
 * One stable transactional id per sink subtask (`<prefix>-<subtask>`): opening the producer fences
 * any older producer with that id (a crashed run) and aborts its open transaction, so a restored
 * job never sees half of a previous attempt. kafkajs allows one open transaction per producer, so
 * writes after `prepareCommit(n)` wait until `commit(n)` or `abort()`; the engine commits right
 * after a checkpoint completes, which keeps that wait short.
 *
 * `flush()` at the end of bounded input commits what was written since the last checkpoint (with or
 * without checkpointing): end of input acts as the final checkpoint.
 *
 * Recovery. As Flink's KafkaSink, the checkpoint holds the producer id and epoch of this subtask's
 * producer (`snapshotState`) next to the committable; on restore, `recoverCommittables` commits the
 * prepared transaction of the restored checkpoint from them (EndTxn, `KafkaClient.commitPrepared`)
 * before `open()` fences the old producer. A repeated commit succeeds; a fenced one is skipped: after
 * each commit the writer moves to a new producer (new epoch) before writing again, so a fenced epoch
 * means that checkpoint's transaction was committed (otherwise EndTxn with the old epoch would commit
 * the next interval's open transaction; Flink avoids this with one transactional id per checkpoint). Limit, as in Flink: a transaction left open longer
 * than `transactionTimeoutMs` (e.g. the job stays down that long) is aborted by the broker, and its
 * records are lost; keep the timeout above the longest expected downtime.
 *
 * A client without `commitPrepared` (kafkajs itself cannot resume a producer id/epoch; the kafkajs
 * client does it through kafkajs internals, see kafkajsTransactions.ts) falls back to
 * `commitBeforeCheckpointPublished`: the engine commits after the checkpoint file is durable under
 * its temporary name and before it is renamed into place, and does not publish the checkpoint if a
 * commit fails. Consequences of that fallback:
 *  - a crash before the commits: the previous checkpoint is restored, the open transactions are
 *    aborted when the restored writers open (fencing), the interval is replayed: exactly once;
 *  - a crash after the commits: the checkpoint is published, nothing is left to recover: exactly once;
 *  - a crash after some or all commits but before the rename (a window of one rename, or of the
 *    commits of the other sink subtasks): the previous checkpoint is restored and the committed
 *    interval is written again: those records appear twice (at-least-once for that interval, never loss);
 *  - `recoverCommittables` has nothing to commit (a published checkpoint's transactions are committed).
 * Open transactions of a crashed run stay open (and hold back read_committed consumers) until the
 * restored subtask with the same transactional id opens, or `transactionTimeoutMs` passes if the job
 * is restored with fewer sink subtasks.
 */
export class TransactionalKafkaWriter<T> implements SinkWriter<T> {
  private producer: KafkaProducer | undefined;
  private current: KafkaTransaction | undefined;
  private currentRecords = 0;
  private prepared: { checkpointId: number; transaction: KafkaTransaction | undefined; records: number } | undefined;
  private preparedRelease: (() => void) | undefined;
  private preparedDone: Promise<void> = Promise.resolve();
  private flushed = false;
  /** See the class comment: only when the client cannot commit a dead producer's transaction. */
  readonly commitBeforeCheckpointPublished: boolean;
  private restoredIdentity: ProducerIdentity | undefined;
  /** Committables found in the checkpoint this writer was restored from (for tests and diagnostics). */
  recovered: KafkaCommittable[] = [];

  constructor(
    private readonly client: KafkaClient,
    readonly transactionalId: string,
    private readonly toRecords: (values: readonly T[], timestamps: readonly number[]) => OutgoingRecord[],
    private readonly status: StatusTracker,
    private readonly options: { transactionTimeoutMs?: number; backoff?: BackoffOptions },
  ) {
    this.commitBeforeCheckpointPublished = client.commitPrepared === undefined;
  }

  /** The producer's id and epoch, so a restored job can commit what this run prepared. */
  snapshotState(): unknown {
    if (this.commitBeforeCheckpointPublished) return undefined;
    const identity = this.producer?.identity?.();
    if (identity === undefined && (this.prepared?.records ?? 0) > 0) {
      throw new KafkaTransactionError("the Kafka producer's id and epoch are unknown, so the prepared transaction could not be recovered", { transactionalId: this.transactionalId });
    }
    return identity === undefined ? undefined : { transactionalId: this.transactionalId, ...identity };
  }

  restoreState(state: unknown): void {
    const saved = state as ({ transactionalId: string } & ProducerIdentity) | undefined;
    if (saved?.transactionalId === this.transactionalId) this.restoredIdentity = { producerId: saved.producerId, producerEpoch: saved.producerEpoch };
  }

  async open(): Promise<void> {
    this.producer = await this.openProducer();
  }

  private openProducer(): Promise<KafkaProducer> {
    return withRetry(
      async () => {
        const producer = await this.client.openProducer({ transactionalId: this.transactionalId, idempotent: true, transactionTimeoutMs: this.options.transactionTimeoutMs ?? 60_000 });
        try {
          // Fence a crashed predecessor now, so its open transaction stops holding back
          // read_committed consumers even if this subtask has nothing to write for a while.
          await producer.initTransactions?.();
        } catch (error) {
          await producer.close().catch(() => undefined);
          throw error;
        }
        return producer;
      },
      { status: this.status, backoff: this.options.backoff },
    );
  }

  async write(values: readonly T[], timestamps: readonly number[]): Promise<void> {
    if (values.length === 0) return;
    const records = this.toRecords(values, timestamps);
    await this.preparedDone;
    const transaction = await this.transaction();
    try {
      await transaction.send(records);
    } catch (error) {
      // The transaction is doomed (kafkajs already retried); the job must restore from its last
      // checkpoint, and this transaction will be aborted by the next producer with our id.
      this.status.set({ state: "failed", attempts: 1, lastError: errorMessage(error) });
      throw new KafkaTransactionError(`Kafka transactional write failed: ${errorMessage(error)}`, { topic: records[0]?.topic, transactionalId: this.transactionalId }, { cause: error });
    }
    this.currentRecords += records.length;
  }

  /** Phase one: ends writing into the current transaction and hands it to checkpoint `checkpointId`. */
  prepareCommit(checkpointId: number): KafkaCommittable {
    if (this.prepared !== undefined) {
      throw new KafkaTransactionError(`checkpoint ${checkpointId} prepared while checkpoint ${this.prepared.checkpointId} is not committed`, { transactionalId: this.transactionalId });
    }
    this.prepared = { checkpointId, transaction: this.current, records: this.currentRecords };
    this.preparedDone = new Promise((resolve) => (this.preparedRelease = resolve));
    this.current = undefined;
    this.currentRecords = 0;
    return { transactionalId: this.transactionalId, checkpointId, records: this.prepared.records };
  }

  /** Phase two: checkpoint `checkpointId` completed; make its records visible. */
  async commit(checkpointId: number): Promise<void> {
    const prepared = this.prepared;
    if (prepared === undefined || prepared.checkpointId !== checkpointId) {
      throw new KafkaTransactionError(`commit of checkpoint ${checkpointId}, but ${prepared === undefined ? "nothing" : `checkpoint ${prepared.checkpointId}`} is prepared`, { transactionalId: this.transactionalId });
    }
    try {
      await prepared.transaction?.commit();
    } catch (error) {
      throw new KafkaTransactionError(`Kafka transaction commit failed for checkpoint ${checkpointId}: ${errorMessage(error)}`, { transactionalId: this.transactionalId }, { cause: error });
    }
    if (prepared.transaction !== undefined && !this.commitBeforeCheckpointPublished) {
      // A new producer (new epoch) for the next transaction, before any write: a restore from this
      // checkpoint then finds the old epoch fenced and knows its transaction was committed, while
      // with the same epoch its EndTxn would commit whatever transaction that producer had open.
      const old = this.producer;
      this.producer = await this.openProducer();
      await old?.close();
    }
    this.release();
  }

  /**
   * Checkpoint `checkpointId` failed after it was prepared: go on writing into its transaction, so
   * the next checkpoint commits it (after end of input, commit it now: no checkpoint follows).
   */
  async checkpointAborted(checkpointId: number): Promise<void> {
    const prepared = this.prepared;
    if (prepared === undefined || prepared.checkpointId !== checkpointId) return;
    if (this.current !== undefined) throw new KafkaTransactionError(`checkpoint ${checkpointId} aborted while another transaction is open`, { transactionalId: this.transactionalId });
    this.current = prepared.transaction;
    this.currentRecords = prepared.records;
    this.release();
    if (this.flushed) await this.flush();
  }

  /**
   * Restore (before `open()`): commit the restored checkpoint's prepared transaction, which the
   * crashed run may not have committed. With the `commitBeforeCheckpointPublished` fallback it was
   * committed before the checkpoint was published, so there is nothing to do.
   */
  async recoverCommittables(committables: readonly unknown[]): Promise<void> {
    this.recovered = committables as KafkaCommittable[];
    const commitPrepared = this.client.commitPrepared?.bind(this.client);
    if (commitPrepared === undefined) return;
    for (const c of this.recovered) {
      if (c.records === 0) continue; // nothing was written: no transaction to commit
      if (c.transactionalId !== this.transactionalId || this.restoredIdentity === undefined) {
        throw new KafkaTransactionError(`cannot recover the transaction of checkpoint ${c.checkpointId}: no producer id/epoch stored for ${c.transactionalId}`, { transactionalId: c.transactionalId });
      }
      const identity = this.restoredIdentity;
      await withRetry(
        async () => {
          try {
            await commitPrepared(c.transactionalId, identity);
          } catch (error) {
            const type = (error as { type?: string }).type;
            // A newer producer with this id exists: an earlier restore already committed this
            // transaction and went on (recovery always commits before it fences).
            if (type === "PRODUCER_FENCED" || type === "INVALID_PRODUCER_EPOCH") return;
            const retriable = type === "CONCURRENT_TRANSACTIONS" || type === "COORDINATOR_LOAD_IN_PROGRESS" || type === "NOT_COORDINATOR" || type === "COORDINATOR_NOT_AVAILABLE" || type === undefined;
            const message = `Recovering the Kafka transaction of checkpoint ${c.checkpointId} failed: ${errorMessage(error)}${type === "INVALID_TXN_STATE" ? " (aborted by the broker after transactionTimeoutMs?)" : ""}`;
            if (retriable) throw new KafkaConnectorError(message, { transactionalId: c.transactionalId }, { cause: error });
            throw new KafkaTransactionError(message, { transactionalId: c.transactionalId }, { cause: error });
          }
        },
        { status: this.status, backoff: this.options.backoff, isRetriable: (error) => !(error instanceof KafkaTransactionError) },
      );
    }
  }

  /** Drops everything not committed (prepared and current transaction). */
  async abort(): Promise<void> {
    const transactions = [this.prepared?.transaction, this.current].filter((t): t is KafkaTransaction => t !== undefined);
    this.current = undefined;
    this.currentRecords = 0;
    this.release();
    for (const t of transactions) {
      try {
        await t.abort();
      } catch (error) {
        throw new KafkaTransactionError(`Kafka transaction abort failed: ${errorMessage(error)}`, { transactionalId: this.transactionalId }, { cause: error });
      }
    }
  }

  async flush(): Promise<void> {
    this.flushed = true;
    if (this.current === undefined) return;
    const transaction = this.current;
    this.current = undefined;
    this.currentRecords = 0;
    try {
      await transaction.commit();
    } catch (error) {
      throw new KafkaTransactionError(`Kafka transaction commit at end of input failed: ${errorMessage(error)}`, { transactionalId: this.transactionalId }, { cause: error });
    }
  }

  async close(): Promise<void> {
    try {
      // Whatever was not committed must stay invisible to read_committed consumers.
      if (this.current !== undefined || this.prepared !== undefined) await this.abort();
    } finally {
      await this.producer?.close();
      this.producer = undefined;
      this.status.set({ state: "closed", attempts: 0 });
    }
  }

  private async transaction(): Promise<KafkaTransaction> {
    if (this.current !== undefined) return this.current;
    if (this.producer === undefined) throw new KafkaConnectorError("Kafka sink written before open()", { transactionalId: this.transactionalId }, { retriable: false });
    this.current = await this.producer.beginTransaction();
    return this.current;
  }

  private release(): void {
    this.prepared = undefined;
    const release = this.preparedRelease;
    this.preparedRelease = undefined;
    release?.();
  }
}
