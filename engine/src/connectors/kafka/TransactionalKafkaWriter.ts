import type { SinkWriter } from "../../sinks/Sink.js";
import { KafkaConnectorError, KafkaTransactionError, errorMessage } from "./errors.js";
import type { KafkaClient, KafkaProducer, KafkaTransaction, OutgoingRecord } from "./KafkaClient.js";
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
 * Without checkpoints (nothing ever prepared), `flush()` at the end of bounded input commits
 * everything written: end of input acts as the final checkpoint.
 */
export class TransactionalKafkaWriter<T> implements SinkWriter<T> {
  private producer: KafkaProducer | undefined;
  private current: KafkaTransaction | undefined;
  private currentRecords = 0;
  private prepared: { checkpointId: number; transaction: KafkaTransaction | undefined; records: number } | undefined;
  private preparedRelease: (() => void) | undefined;
  private preparedDone: Promise<void> = Promise.resolve();
  private checkpointDriven = false;

  constructor(
    private readonly client: KafkaClient,
    readonly transactionalId: string,
    private readonly toRecords: (values: readonly T[], timestamps: readonly number[]) => OutgoingRecord[],
    private readonly status: StatusTracker,
    private readonly options: { transactionTimeoutMs?: number; backoff?: BackoffOptions },
  ) {}

  async open(): Promise<void> {
    this.producer = await withRetry(
      () => this.client.openProducer({ transactionalId: this.transactionalId, idempotent: true, transactionTimeoutMs: this.options.transactionTimeoutMs ?? 60_000 }),
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
    this.checkpointDriven = true;
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
    this.release();
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
    if (this.checkpointDriven || this.current === undefined) return;
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
