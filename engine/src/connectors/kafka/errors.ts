import { SluiceError, type ErrorContext } from "../../errors/errors.js";

/** Where in Kafka something went wrong; every field that is known is filled in. */
export interface KafkaPosition {
  topic?: string;
  partition?: number;
  offset?: number;
  transactionalId?: string;
}

/**
 * An error of the Kafka connector (broker unreachable, topic missing, transaction fenced...).
 * `kafka` names the topic/partition/offset; `context` maps them onto the engine's error context
 * (`source` = topic, `offset`), so dead letters and job errors show them too.
 */
export class KafkaConnectorError extends SluiceError {
  readonly kafka: KafkaPosition;
  constructor(message: string, kafka: KafkaPosition, options: { cause?: unknown; retriable?: boolean; context?: ErrorContext } = {}) {
    const context: ErrorContext = { ...options.context };
    if (kafka.topic !== undefined) context.source = kafka.partition === undefined ? kafka.topic : `${kafka.topic}[${kafka.partition}]`;
    if (kafka.offset !== undefined) context.offset = kafka.offset;
    super(`${message}${describePosition(kafka)}`, context, { cause: options.cause, retriable: options.retriable ?? true });
    this.kafka = kafka;
  }
}

/**
 * The broker refused the connector's credentials (`security.sasl`). Not retriable: trying the same
 * password again cannot help, so the job fails with this instead of retrying forever.
 */
export class KafkaAuthenticationError extends KafkaConnectorError {
  constructor(detail: string, options: { cause?: unknown } = {}) {
    super(`Kafka authentication failed: ${detail}`, {}, { ...options, retriable: false });
  }
}

/** A topic the connector needs is not in the cluster's metadata. */
export class KafkaTopicMissingError extends KafkaConnectorError {
  constructor(topic: string, hint = "", options: { cause?: unknown; retriable?: boolean } = {}) {
    super(`Kafka topic does not exist${hint}`, { topic }, options);
  }
}

/** A transaction could not be committed or aborted; its records may or may not be visible. */
export class KafkaTransactionError extends KafkaConnectorError {
  constructor(message: string, kafka: KafkaPosition, options: { cause?: unknown } = {}) {
    super(message, kafka, { ...options, retriable: false });
  }
}

function describePosition(p: KafkaPosition): string {
  const parts: string[] = [];
  if (p.topic !== undefined) parts.push(`topic ${p.topic}`);
  if (p.partition !== undefined) parts.push(`partition ${p.partition}`);
  if (p.offset !== undefined) parts.push(`offset ${p.offset}`);
  if (p.transactionalId !== undefined) parts.push(`transactional id ${p.transactionalId}`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/** The message of any thrown value, for statuses and dead letters. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A source reader that is connected and knows records are waiting (the partition's end offset is
 * past its position) has delivered none for `stallTimeoutMs`. Retriable: failing over (restart
 * from the last checkpoint with fresh clients) is the way out, not waiting longer.
 */
export class KafkaSourceStalledError extends KafkaConnectorError {
  constructor(detail: string, kafka: KafkaPosition & { topic: string; partition: number; offset: number }) {
    super(`Kafka source stalled: ${detail}`, kafka, { retriable: true });
  }
}
