import type { Sink, SinkContext, SinkWriter } from "../../sinks/Sink.js";
import { KafkaConnectorError, errorMessage } from "./errors.js";
import { valueSerializer, type KafkaSerializer, type ValueFormat } from "./formats.js";
import type { ConnectorStatus, KafkaClient, KafkaProducer, OutgoingRecord } from "./KafkaClient.js";
import { chosenKafkaLibrary, createKafkaClient, type KafkaLibrary } from "./clientChoice.js";
import type { KafkaSecurity } from "./security.js";
import { StatusTracker, withRetry, type BackoffOptions } from "./retry.js";
import { ensureSinkTopic } from "./sinkTopicCheck.js";
import { TransactionalKafkaWriter } from "./TransactionalKafkaWriter.js";

export interface KafkaSinkOptions<T> {
  brokers?: string[];
  /** A ready client (another library, or shared settings). The sink does not close it. */
  client?: KafkaClient;
  /** Without `client`: the library of the sink's own clients. Default SLUICE_KAFKA_CLIENT, else "kafkajs". */
  library?: KafkaLibrary;
  /** Without `client`: TLS and SASL for the sink's own clients (see `KafkaSecurity`). */
  security?: KafkaSecurity;
  /** Topic written to (a serializer may override it per record). */
  topic: string;
  /** Value format when no `serializer` is given. Default "json". */
  format?: ValueFormat;
  /** Record key from the value (decides the partition). Default: no key. */
  key?: (value: T) => string | Buffer | null;
  /** Full control over key, value, headers, partition and topic. */
  serializer?: KafkaSerializer<T>;
  /**
   * "at-least-once" (default): each write resolves once the broker acknowledged it; retried while
   * the broker is away. "exactly-once": Kafka transactions committed at checkpoints (see
   * `TransactionalKafkaWriter`); read them with a read_committed consumer.
   */
  guarantee?: "at-least-once" | "exactly-once";
  /** Exactly-once: transactional ids are `<prefix>-<subtask>`. Default `sluice-<job>-<sink name>`. Must be stable across restarts of the job. */
  transactionalIdPrefix?: string;
  /** Exactly-once: the broker aborts transactions left open longer. Default 60 s. */
  transactionTimeoutMs?: number;
  backoff?: BackoffOptions;
  onStatus?: (subtask: number, status: ConnectorStatus) => void;
  name?: string;
}

export interface KafkaSink<T> extends Sink<T> {
  status(): ConnectorStatus[];
}

/**
 * Writes a stream to a Kafka topic.
 *
 * @example
 * counts.sinkTo(Kafka.sink({ brokers: ["127.0.0.1:9092"], topic: "counts", key: (c) => c.user }));
 */
export function kafkaSink<T>(options: KafkaSinkOptions<T>): KafkaSink<T> {
  if (options.client === undefined && (options.brokers === undefined || options.brokers.length === 0)) {
    throw new KafkaConnectorError("Kafka.sink needs `brokers` or a `client`", { topic: options.topic }, { retriable: false });
  }
  const library = options.client === undefined ? chosenKafkaLibrary(options.library) : undefined;
  const name = options.name ?? `kafka:${options.topic}`;
  const serialize = options.serializer ?? valueSerializer<T>(options.format ?? "json", options.key);
  const toRecords = (values: readonly T[], timestamps: readonly number[]): OutgoingRecord[] =>
    values.map((v, i) => {
      const r = serialize(v, timestamps[i] ?? Number.NaN);
      return { ...r, topic: r.topic ?? options.topic };
    });
  const statuses = new Map<number, ConnectorStatus>();
  return {
    name,
    createWriter(ctx: SinkContext): SinkWriter<T> {
      const status = new StatusTracker(Date.now, (s) => {
        statuses.set(ctx.subtask, s);
        options.onStatus?.(ctx.subtask, s);
      });
      const ownClient = options.client === undefined;
      const client = options.client ?? createKafkaClient(library, options.brokers ?? [], `sluice-${ctx.jobName}`, options.security);
      const writer: SinkWriter<T> & { close(): Promise<void> } =
        options.guarantee === "exactly-once"
          ? new TransactionalKafkaWriter<T>(
              client,
              { prefix: options.transactionalIdPrefix ?? `sluice-${ctx.jobName}-${name}`, subtask: ctx.subtask, parallelism: ctx.parallelism },
              toRecords,
              status,
              options,
            )
          : new AtLeastOnceKafkaWriter<T>(client, toRecords, status, options.backoff);
      writer.connectorStatus = () => status.status;
      // Cancel ends the waits for an unreachable broker at their next attempt (also the topic check of
      // `open`, which the job awaits unbounded): the job is cancelled, not stuck behind a retry loop.
      let cancelled = false;
      const cancel = writer.cancel?.bind(writer);
      writer.cancel = () => {
        cancelled = true;
        cancel?.();
      };
      const open = writer.open?.bind(writer);
      writer.open = async () => {
        // With a serializer, `topic` may be a default that no record uses: only the writes can tell.
        if (options.serializer === undefined) await ensureSinkTopic(client, options.topic, status, options.backoff, () => cancelled);
        await open?.();
      };
      if (!ownClient) return writer;
      // Our own client goes with the writer.
      const close = writer.close.bind(writer);
      writer.close = async () => {
        try {
          await close();
        } finally {
          await client.close();
        }
      };
      return writer;
    },
    status: () => [...statuses.entries()].sort(([a], [b]) => a - b).map(([, s]) => s),
  };
}

/**
 * At-least-once: `write` resolves only when the broker has acknowledged every record, so the
 * engine's back-pressure holds input while the broker is away and nothing acknowledged upstream
 * can be lost. A write retried after a failure may duplicate records (hence "at least").
 */
export class AtLeastOnceKafkaWriter<T> implements SinkWriter<T> {
  private producer: KafkaProducer | undefined;
  private closed = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly toRecords: (values: readonly T[], timestamps: readonly number[]) => OutgoingRecord[],
    private readonly status: StatusTracker,
    private readonly backoff: BackoffOptions | undefined,
  ) {}

  async write(values: readonly T[], timestamps: readonly number[]): Promise<void> {
    if (values.length === 0) return;
    const records = this.toRecords(values, timestamps);
    await withRetry(
      async () => {
        try {
          this.producer ??= await this.client.openProducer({ idempotent: true });
          await this.producer.send(records);
        } catch (error) {
          // Start the next attempt with a fresh producer (its connection may be half dead).
          const broken = this.producer;
          this.producer = undefined;
          await broken?.close().catch((closeError: unknown) => {
            throw new AggregateError([error, closeError], `Kafka write failed (${errorMessage(error)}) and closing the producer failed too`);
          });
          throw new KafkaConnectorError(`Kafka write failed: ${errorMessage(error)}`, { topic: records[0]?.topic }, { cause: error });
        }
      },
      { status: this.status, backoff: this.backoff, isClosed: () => this.closed },
    );
  }

  /** The job is cancelled: a write waiting for the broker gives up at its next attempt. */
  cancel(): void {
    this.closed = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer?.close();
    this.producer = undefined;
    this.status.set({ state: "closed", attempts: 0 });
  }
}
