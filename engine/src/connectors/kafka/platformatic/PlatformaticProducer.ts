import type { KafkaProducer, KafkaTransaction, OutgoingRecord, ProducerIdentity, ProducerOptions } from "../KafkaClient.js";
import { FENCED, PlatformaticKafkaError, PlatformaticTransactionError, hasProtocolError } from "./errors.js";
import { ProduceAcks, Producer, type BaseOptions } from "./library.js";
import { toWireMessage } from "./records.js";

type LibProducer = Producer<Buffer, Buffer, Buffer, Buffer>;
type LibTransaction = Awaited<ReturnType<LibProducer["beginTransaction"]>>;

/**
 * `KafkaProducer` on @platformatic/kafka: acks=all, one `send` per call (the library splits it per
 * partition leader), idempotent by default, optional transactions.
 *
 * Three library behaviours this works around (2.12.1):
 *  - InitProducerId is sent with producer id 0 / epoch 0 unless told otherwise, and Kafka treats a
 *    non-(-1) pair as "bump the epoch of this existing producer" (KIP-360): for a transactional id
 *    already used by another producer id the broker answers PRODUCER_FENCED, so a restarted sink
 *    could never take over its own transactional id. `producerId: -1n, producerEpoch: -1` asks for
 *    a fresh registration, which is what fences the older producer.
 *  - The transaction timeout sent with InitProducerId is the client's `timeout` option (default
 *    5 s, also the broker-side wait for acks of a Produce request), so a transaction open over a
 *    checkpoint interval would be aborted by the broker: transactional producers get
 *    `timeout: transactionTimeoutMs`.
 *  - The library forgets a fenced producer only on INVALID_PRODUCER_EPOCH, not on PRODUCER_FENCED,
 *    and re-initializes a fenced producer at its next `beginTransaction`, which would in turn fence
 *    the newer producer (the zombie wins). A fenced producer is therefore dead here: every later
 *    transaction call rejects, as in the Java client.
 */
export class PlatformaticProducer implements KafkaProducer {
  private fenced: unknown;

  private constructor(
    private readonly lib: LibProducer,
    private readonly transactionalId: string | undefined,
  ) {}

  static open(base: BaseOptions, options: ProducerOptions): PlatformaticProducer {
    const transactional = options.transactionalId !== undefined;
    const lib = new Producer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      // The idempotent producer keeps one request in flight per connection (set by the library).
      idempotent: options.idempotent || transactional,
      acks: ProduceAcks.ALL,
      producerId: -1n,
      producerEpoch: -1,
      ...(transactional ? { transactionalId: options.transactionalId, timeout: options.transactionTimeoutMs ?? 60_000 } : {}),
    });
    // No connection yet: the library connects at the first request, and a dead broker surfaces
    // there (the sinks retry their first write or `initTransactions`).
    return new PlatformaticProducer(lib, options.transactionalId);
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.lib.send({ messages: records.map(toWireMessage) });
    } catch (error) {
      throw new PlatformaticKafkaError("Kafka produce failed", { topic: records[0]?.topic }, error);
    }
  }

  identity(): ProducerIdentity | undefined {
    const { producerId, producerEpoch } = this.lib;
    if (this.transactionalId === undefined || producerId === undefined || producerEpoch === undefined) return undefined;
    return { producerId: String(producerId), producerEpoch };
  }

  /**
   * InitProducerId now (fencing older producers with this transactional id and aborting their open
   * transaction): the library only sends it when a transaction begins, so begin one and drop it.
   * `cancel()` forgets it locally; nothing was added to it, so the broker has nothing to end.
   */
  async initTransactions(): Promise<void> {
    const transaction = await this.begin();
    await transaction.cancel();
  }

  async beginTransaction(): Promise<KafkaTransaction> {
    return new PlatformaticTransaction(await this.begin(), this.transactionalId!, (error) => this.noteFencing(error));
  }

  async close(): Promise<void> {
    await this.lib.close(true);
  }

  private async begin(): Promise<LibTransaction> {
    const position = { transactionalId: this.transactionalId };
    if (this.transactionalId === undefined) throw new PlatformaticTransactionError("Kafka transactions need a transactional producer", position, new Error("no transactionalId"));
    if (this.fenced !== undefined) throw new PlatformaticTransactionError("Kafka producer was fenced by a newer producer with the same transactional id", position, this.fenced);
    try {
      return await this.lib.beginTransaction();
    } catch (error) {
      this.noteFencing(error);
      throw new PlatformaticKafkaError("Kafka transaction could not begin", position, error);
    }
  }

  private noteFencing(error: unknown): void {
    if (hasProtocolError(error, ...FENCED)) this.fenced ??= error;
  }
}

/**
 * One open transaction. A transaction that never sent anything is ended locally (`cancel`): the
 * broker has nothing to end, and EndTxn for it would fail with INVALID_TXN_STATE.
 */
class PlatformaticTransaction implements KafkaTransaction {
  private sent = false;

  constructor(
    private readonly tx: LibTransaction,
    private readonly transactionalId: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.sent = true;
    try {
      await this.tx.send({ messages: records.map(toWireMessage) });
    } catch (error) {
      this.onError(error);
      throw new PlatformaticKafkaError("Kafka transactional produce failed", { topic: records[0]?.topic, transactionalId: this.transactionalId }, error);
    }
  }

  commit(): Promise<void> {
    return this.end(true);
  }

  abort(): Promise<void> {
    return this.end(false);
  }

  private async end(commit: boolean): Promise<void> {
    try {
      if (!this.sent) await this.tx.cancel();
      else if (commit) await this.tx.commit();
      else await this.tx.abort();
    } catch (error) {
      this.onError(error);
      throw new PlatformaticTransactionError(`Kafka transaction ${commit ? "commit" : "abort"} failed`, { transactionalId: this.transactionalId }, error);
    }
  }
}
