import { errorMessage } from "./errors.js";
import type { KafkaClient, KafkaProducer, KafkaRecord } from "./KafkaClient.js";
import { withRetry, type StatusTracker } from "./retry.js";

/**
 * Copies malformed records to a dead-letter topic: original key, value and headers, plus headers
 * saying where the record came from and why it was rejected. Each write is awaited (with retries
 * while the broker is away) before the source moves on, so a dead letter is never lost between
 * the record's offset being passed and the DLQ write.
 */
export class DeadLetterWriter {
  private producer: KafkaProducer | undefined;
  private closed = false;

  constructor(
    private readonly client: KafkaClient,
    readonly topic: string,
    private readonly status: StatusTracker,
  ) {}

  async write(r: KafkaRecord, reason: string, sourceName: string): Promise<void> {
    const headers: Record<string, Buffer | string> = {};
    for (const [name, value] of Object.entries(r.headers)) {
      if (typeof value === "string" || Buffer.isBuffer(value)) headers[name] = value;
    }
    Object.assign(headers, {
      "sluice.error": reason,
      "sluice.source": sourceName,
      "sluice.topic": r.topic,
      "sluice.partition": String(r.partition),
      "sluice.offset": String(r.offset),
      "sluice.timestamp": String(r.timestamp),
    });
    const record = { topic: this.topic, key: r.key, value: r.value, headers };
    await withRetry(
      async () => {
        try {
          this.producer ??= await this.client.openProducer({ idempotent: true });
          await this.producer.send([record]);
        } catch (error) {
          // A broken producer is replaced on the next attempt.
          const broken = this.producer;
          this.producer = undefined;
          await broken?.close().catch((closeError: unknown) => {
            throw new AggregateError([error, closeError], `dead-letter write failed (${errorMessage(error)}) and closing the producer failed too`);
          });
          throw error;
        }
      },
      { status: this.status, isClosed: () => this.closed },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer?.close();
    this.producer = undefined;
  }
}
