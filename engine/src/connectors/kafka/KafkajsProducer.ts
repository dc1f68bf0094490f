import type { Kafka, Message, Producer, Sender, TopicMessages } from "kafkajs";
import { kafkajs } from "./kafkajsLibrary.js";
import type { KafkaProducer, KafkaTransaction, OutgoingRecord, ProducerIdentity, ProducerOptions } from "./KafkaClient.js";
import { producerIdentity, registerProducer, trackProducerIdentities } from "./kafkajsTransactions.js";

/** `KafkaProducer` on kafkajs: acks=all, one `sendBatch` per call, optional transactions. */
export class KafkajsProducer implements KafkaProducer {
  /** What the broker gave this producer's InitProducerId (kafkajs sends it once per producer). */
  private registered: ProducerIdentity | undefined;

  private constructor(
    private readonly producer: Producer,
    private readonly transactionalId: string | undefined,
  ) {}

  static async open(kafka: Kafka, options: ProducerOptions): Promise<KafkajsProducer> {
    const transactional = options.transactionalId !== undefined;
    if (transactional) trackProducerIdentities();
    const producer = kafka.producer({
      // Explicit, so kafkajs does not warn about its v2 partitioner change on every start.
      createPartitioner: kafkajs().Partitioners.DefaultPartitioner,
      // Idempotence and transactions need ordered, single in-flight requests in kafkajs.
      idempotent: options.idempotent || transactional,
      maxInFlightRequests: options.idempotent || transactional ? 1 : 5,
      ...(transactional ? { transactionalId: options.transactionalId, transactionTimeout: options.transactionTimeoutMs ?? 60_000 } : {}),
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
    });
    // kafkajs initializes a transactional producer's id (which fences an older producer with the
    // same transactional id and aborts its open transaction) only at its first transaction, not
    // here; `initTransactions` forces that.
    await producer.connect();
    return new KafkajsProducer(producer, options.transactionalId);
  }

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length > 0) await sendTo(this.producer, records);
  }

  identity(): ProducerIdentity | undefined {
    if (this.transactionalId === undefined) return undefined;
    return this.registered ?? producerIdentity(this.transactionalId);
  }

  async initTransactions(): Promise<void> {
    // An empty transaction: kafkajs sends InitProducerId for it and nothing for its abort.
    const identity = await registerProducer(async () => {
      const transaction = await this.producer.transaction();
      await transaction.abort();
    });
    this.registered ??= identity;
  }

  async beginTransaction(): Promise<KafkaTransaction> {
    const transaction = await this.producer.transaction();
    return {
      send: async (records) => {
        if (records.length > 0) await sendTo(transaction, records);
      },
      commit: () => transaction.commit(),
      abort: () => transaction.abort(),
    };
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

async function sendTo(sender: Sender, records: readonly OutgoingRecord[]): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    const message: Message = { value: r.value };
    if (r.key !== undefined) message.key = r.key;
    if (r.partition !== undefined) message.partition = r.partition;
    if (r.timestamp !== undefined && Number.isFinite(r.timestamp)) message.timestamp = String(r.timestamp);
    if (r.headers !== undefined) message.headers = r.headers;
    let list = byTopic.get(r.topic);
    if (list === undefined) byTopic.set(r.topic, (list = []));
    list.push(message);
  }
  const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  await sender.sendBatch({ topicMessages, acks: -1, compression: kafkajs().CompressionTypes.None });
}
