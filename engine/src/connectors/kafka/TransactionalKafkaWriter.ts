import type { SinkWriter } from "../../sinks/Sink.js";
import { KafkaConnectorError, KafkaTransactionError, errorMessage } from "./errors.js";
import type { KafkaClient, KafkaProducer, KafkaTransaction, OutgoingRecord, ProducerIdentity } from "./KafkaClient.js";
import { earlierRegistration, noteRegistration } from "./producerRegistrations.js";
import { withRetry, type BackoffOptions, type StatusTracker } from "./retry.js";

/** SLUICE_KAFKA_TXN_TRACE=1: one stderr line per transaction step (diagnosing exactly-once runs). */
const TRACE = process.env.SLUICE_KAFKA_TXN_TRACE === "1";
function trace(id: string, what: string): void {
  if (TRACE) process.stderr.write(`[txn ${new Date().toISOString().slice(11, 23)} ${id}] ${what}\n`);
}

/**
 * What a prepared transaction leaves for the checkpoint (JSON-serializable). With a client that has
 * `commitPrepared`, it also names the producer id and epoch that own the transaction, so any subtask
 * of a restored job (at any parallelism) can commit it.
 */
export interface KafkaCommittable {
  transactionalId: string;
  checkpointId: number;
  records: number;
  producerId?: string;
  producerEpoch?: number;
}

/** Where a sink subtask sits: its transactional id is `<prefix>-<subtask>`. */
export interface TransactionalIdentity {
  prefix: string;
  subtask: number;
  /** The job's sink parallelism now: ids `<prefix>-<n>` with n >= parallelism belong to no subtask. */
  parallelism: number;
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
 * End of bounded input commits nothing by itself: the engine prepares the tail for a final checkpoint
 * and commits it once that checkpoint is durable (or, without checkpointing, right after `flush`).
 *
 * Recovery. As Flink's KafkaSink, each committable holds the producer id and epoch that own its
 * transaction; on restore, `recoverCommittables` commits the prepared transactions of the restored
 * checkpoint from them (EndTxn, `KafkaClient.commitPrepared`) before `open()` fences the old
 * producer. A repeated commit succeeds; a fenced one is skipped: after each commit the writer moves
 * to a new producer (new epoch) before writing again, so a fenced epoch means that checkpoint's
 * transaction was committed (otherwise EndTxn with the old epoch would commit the next interval's
 * open transaction; Flink avoids this with one transactional id per checkpoint). That reading holds
 * only while nothing else bumps the epoch: a writer whose job attempt ended (`abort`/`close`) never
 * registers a producer again, and a restored writer lets a registration still under way in this
 * process land first (producerRegistrations.ts). Limit, as in Flink:
 * a transaction left open longer than `transactionTimeoutMs` (e.g. the job stays down that long) is
 * aborted by the broker, and its records are lost; keep the timeout above the longest expected downtime.
 *
 * Rescaling. The committables do not pin the sink's parallelism: after a restore at another
 * parallelism, subtask 0 recovers all of them, then fences the transactional ids of old subtasks that
 * no longer exist (scale-down), so their open transactions stop holding back read_committed readers.
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
 * restored subtask with the same transactional id opens (or subtask 0 fences it, after scale-down).
 */
export class TransactionalKafkaWriter<T> implements SinkWriter<T> {
  private producer: KafkaProducer | undefined;
  private current: KafkaTransaction | undefined;
  private currentRecords = 0;
  private prepared: { checkpointId: number; transaction: KafkaTransaction | undefined; records: number } | undefined;
  private preparedRelease: (() => void) | undefined;
  private preparedDone: Promise<void> = Promise.resolve();
  private flushed = false;
  /**
   * Set by `abort()`/`close()`: this job attempt is over, though a commit of it may still be under
   * way (a checkpoint whose commit never settled expires and fails the job; the runner leaves the
   * stuck commit behind). From then on this writer registers no producer: registering bumps the
   * epoch of `transactionalId`, which aborts the open transaction of the attempt that replaced this
   * one, and the restore after that reads the fenced transaction as committed — its records are lost.
   */
  private ended = false;
  /** An InitProducerId under way (it bumps the epoch): `close()` lets it land before the next attempt opens. */
  private registering: Promise<void> | undefined;
  /** See the class comment: only when the client cannot commit a dead producer's transaction. */
  readonly commitBeforeCheckpointPublished: boolean;
  readonly transactionalId: string;
  /** Checkpoints of the previous version kept the producer identity as writer state. */
  private restoredIdentity: ProducerIdentity | undefined;
  /** Committables found in the checkpoint this writer was restored from (for tests and diagnostics). */
  recovered: KafkaCommittable[] = [];
  /** Transactional ids of old subtasks this writer fenced after a scale-down (for tests and diagnostics). */
  fenced: string[] = [];

  constructor(
    private readonly client: KafkaClient,
    private readonly identity: TransactionalIdentity,
    private readonly toRecords: (values: readonly T[], timestamps: readonly number[]) => OutgoingRecord[],
    private readonly status: StatusTracker,
    private readonly options: { transactionTimeoutMs?: number; backoff?: BackoffOptions },
  ) {
    this.commitBeforeCheckpointPublished = client.commitPrepared === undefined;
    this.transactionalId = `${identity.prefix}-${identity.subtask}`;
  }

  /** Reads the writer state of checkpoints taken before committables carried the producer identity. */
  restoreState(state: unknown): void {
    const saved = state as ({ transactionalId: string } & ProducerIdentity) | undefined;
    if (saved?.transactionalId === this.transactionalId) this.restoredIdentity = { producerId: saved.producerId, producerEpoch: saved.producerEpoch };
  }

  async open(): Promise<void> {
    this.producer = await this.openProducer();
    trace(this.transactionalId, `open ${JSON.stringify(this.producer.identity?.())}`);
  }

  /** A producer of `transactionalId` (default: this subtask's), registered with the broker (fencing older ones). */
  private openProducer(transactionalId = this.transactionalId): Promise<KafkaProducer> {
    return withRetry(
      async () => {
        await earlierRegistration(transactionalId);
        const producer = await this.client.openProducer({ transactionalId, idempotent: true, transactionTimeoutMs: this.options.transactionTimeoutMs ?? 60_000 });
        try {
          if (this.ended) throw new KafkaConnectorError("the Kafka sink's job attempt ended: no new producer", { transactionalId }, { retriable: false });
          // Fence a crashed predecessor now, so its open transaction stops holding back
          // read_committed consumers even if this subtask has nothing to write for a while.
          const registering = producer.initTransactions?.();
          if (registering !== undefined) noteRegistration(transactionalId, (this.registering = registering));
          await registering;
        } catch (error) {
          await producer.close().catch(() => undefined);
          throw error;
        }
        return producer;
      },
      { status: this.status, backoff: this.options.backoff, isClosed: () => this.ended },
    );
  }

  async write(values: readonly T[], timestamps: readonly number[]): Promise<void> {
    if (values.length === 0) return;
    const records = this.toRecords(values, timestamps);
    await this.preparedDone;
    // Released by `abort()`: a write of an ended attempt would open a transaction with the old
    // epoch, which the restored job's recovery (EndTxn with that epoch) would then commit.
    if (this.ended) throw new KafkaConnectorError("Kafka sink written after its job attempt ended", { transactionalId: this.transactionalId }, { retriable: false });
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
    const records = this.currentRecords;
    const owner = records > 0 && !this.commitBeforeCheckpointPublished ? this.producer?.identity?.() : undefined;
    if (records > 0 && !this.commitBeforeCheckpointPublished && owner === undefined) {
      throw new KafkaTransactionError("the Kafka producer's id and epoch are unknown, so the prepared transaction could not be recovered", { transactionalId: this.transactionalId });
    }
    this.prepared = { checkpointId, transaction: this.current, records };
    this.preparedDone = new Promise((resolve) => (this.preparedRelease = resolve));
    this.current = undefined;
    this.currentRecords = 0;
    trace(this.transactionalId, `prepare ${checkpointId} records=${records} ${JSON.stringify(owner)}`);
    return { transactionalId: this.transactionalId, checkpointId, records, ...owner };
  }

  /** Phase two: checkpoint `checkpointId` completed; make its records visible. */
  async commit(checkpointId: number): Promise<void> {
    const prepared = this.prepared;
    if (prepared === undefined || prepared.checkpointId !== checkpointId) {
      throw new KafkaTransactionError(`commit of checkpoint ${checkpointId}, but ${prepared === undefined ? "nothing" : `checkpoint ${prepared.checkpointId}`} is prepared`, {
        transactionalId: this.transactionalId,
      });
    }
    trace(this.transactionalId, `commit ${checkpointId} begin`);
    try {
      await prepared.transaction?.commit();
    } catch (error) {
      trace(this.transactionalId, `commit ${checkpointId} failed: ${errorMessage(error)}`);
      throw new KafkaTransactionError(`Kafka transaction commit failed for checkpoint ${checkpointId}: ${errorMessage(error)}`, { transactionalId: this.transactionalId }, { cause: error });
    }
    if (prepared.transaction !== undefined && !this.commitBeforeCheckpointPublished && !this.flushed) {
      // A new producer (new epoch) for the next transaction, before any write: a restore from this
      // checkpoint then finds the old epoch fenced and knows its transaction was committed, while
      // with the same epoch its EndTxn would commit whatever transaction that producer had open.
      // After end of input nothing is written again, so there is no next transaction to protect.
      // Not once the attempt ended (see `ended`): the restored job owns the transactional id now.
      if (this.ended) trace(this.transactionalId, `commit ${checkpointId} EndTxn done after the attempt ended; no next producer`);
      else {
        const old = this.producer;
        trace(this.transactionalId, `commit ${checkpointId} EndTxn done; next producer`);
        const next = await this.openProducer();
        if (this.ended)
          await next.close(); // closed meanwhile: `close()` did not see it
        else this.producer = next;
        trace(this.transactionalId, `commit ${checkpointId} next producer ${JSON.stringify(next.identity?.())}`);
        await old?.close();
      }
    }
    trace(this.transactionalId, `commit ${checkpointId} done`);
    this.release();
  }

  /** The job is cancelled: the attempt is over (see `ended`); waits for the broker give up at their next attempt. */
  cancel(): void {
    trace(this.transactionalId, "cancel");
    this.ended = true;
  }

  /** Checkpoint `checkpointId` failed after it was prepared: go on writing into its transaction, so the next checkpoint commits it. */
  checkpointAborted(checkpointId: number): void {
    const prepared = this.prepared;
    if (prepared === undefined || prepared.checkpointId !== checkpointId) return;
    if (this.current !== undefined) throw new KafkaTransactionError(`checkpoint ${checkpointId} aborted while another transaction is open`, { transactionalId: this.transactionalId });
    this.current = prepared.transaction;
    this.currentRecords = prepared.records;
    this.release();
  }

  /**
   * Restore (before `open()`): commit the restored checkpoint's prepared transactions, which the
   * crashed run may not have committed, then (subtask 0 after a scale-down) fence the transactional
   * ids no subtask owns any more. With the `commitBeforeCheckpointPublished` fallback they were
   * committed before the checkpoint was published, so there is nothing to commit.
   */
  async recoverCommittables(committables: readonly unknown[]): Promise<void> {
    this.recovered = committables as KafkaCommittable[];
    const commitPrepared = this.client.commitPrepared?.bind(this.client);
    if (commitPrepared !== undefined) {
      for (const c of this.recovered) {
        if (c.records === 0) continue; // nothing was written: no transaction to commit
        await this.recoverOne(c, commitPrepared);
      }
    }
    for (const id of this.orphanedIds()) {
      // Registering the id bumps its epoch: the broker aborts the open transaction of the old subtask.
      const producer = await this.openProducer(id);
      try {
        if (producer.initTransactions === undefined) await (await producer.beginTransaction()).abort();
      } finally {
        await producer.close();
      }
      this.fenced.push(id);
    }
  }

  /** Old subtasks' transactional ids that no subtask of this job has now (scale-down). */
  private orphanedIds(): string[] {
    const { prefix, parallelism } = this.identity;
    const ids = new Set<string>();
    for (const c of this.recovered) {
      const subtask = c.transactionalId.startsWith(`${prefix}-`) ? Number(c.transactionalId.slice(prefix.length + 1)) : Number.NaN;
      if (Number.isInteger(subtask) && subtask >= parallelism) ids.add(c.transactionalId);
    }
    return [...ids].sort();
  }

  private async recoverOne(c: KafkaCommittable, commitPrepared: NonNullable<KafkaClient["commitPrepared"]>): Promise<void> {
    const identity: ProducerIdentity | undefined =
      c.producerId !== undefined && c.producerEpoch !== undefined
        ? { producerId: c.producerId, producerEpoch: c.producerEpoch }
        : c.transactionalId === this.transactionalId
          ? this.restoredIdentity
          : undefined;
    if (identity === undefined) {
      throw new KafkaTransactionError(`cannot recover the transaction of checkpoint ${c.checkpointId}: no producer id/epoch stored for ${c.transactionalId}`, { transactionalId: c.transactionalId });
    }
    await earlierRegistration(c.transactionalId);
    await withRetry(
      async () => {
        try {
          await commitPrepared(c.transactionalId, identity);
          trace(c.transactionalId, `recover ${c.checkpointId} ${JSON.stringify(identity)} committed`);
        } catch (error) {
          const type = (error as { type?: string }).type;
          trace(c.transactionalId, `recover ${c.checkpointId} ${JSON.stringify(identity)} ${type}: ${errorMessage(error)}`);
          // A newer producer with this id exists: an earlier restore already committed this
          // transaction and went on (recovery always commits before it fences).
          if (type === "PRODUCER_FENCED" || type === "INVALID_PRODUCER_EPOCH") return;
          const retriable = type === "CONCURRENT_TRANSACTIONS" || type === "COORDINATOR_LOAD_IN_PROGRESS" || type === "NOT_COORDINATOR" || type === "COORDINATOR_NOT_AVAILABLE" || type === undefined;
          const message = `Recovering the Kafka transaction of checkpoint ${c.checkpointId} failed: ${errorMessage(error)}${type === "INVALID_TXN_STATE" ? " (aborted by the broker after transactionTimeoutMs?)" : ""}`;
          if (retriable) throw new KafkaConnectorError(message, { transactionalId: c.transactionalId }, { cause: error });
          throw new KafkaTransactionError(message, { transactionalId: c.transactionalId }, { cause: error });
        }
      },
      { status: this.status, backoff: this.options.backoff, isRetriable: (error) => !(error instanceof KafkaTransactionError), isClosed: () => this.ended },
    );
  }

  /**
   * Drops the open transaction. A prepared one is dropped too only when checkpoints are published
   * after their commit (`commitBeforeCheckpointPublished`: then it belongs to no durable checkpoint).
   * Otherwise it is left to the restored job: a checkpoint that failed was handed back by
   * `checkpointAborted`, so what is still prepared belongs to a checkpoint that is, or may yet
   * become, durable (its commit failed, or the job failed while writing it); `recoverCommittables`
   * commits it, or `open()` fences and aborts it if that checkpoint never completed. Aborting it here
   * would lose the output of a durable checkpoint whose commit failed once.
   */
  async abort(): Promise<void> {
    trace(this.transactionalId, `abort (open: ${this.current !== undefined}, prepared: ${this.prepared?.checkpointId})`);
    this.ended = true;
    const prepared = this.commitBeforeCheckpointPublished ? this.prepared?.transaction : undefined;
    const transactions = [prepared, this.current].filter((t): t is KafkaTransaction => t !== undefined);
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

  /**
   * End of input. Every write was acknowledged already; the tail stays in its transaction for the
   * engine's final `prepareCommit`/`commit` (after the final checkpoint), never committed here.
   */
  flush(): void {
    this.flushed = true;
  }

  async close(): Promise<void> {
    trace(this.transactionalId, "close");
    this.ended = true;
    // Registered before the attempt ended: let it land now, not after the restored writer registers.
    await this.registering?.catch(() => undefined); // its failure is reported by the commit that awaits it
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
