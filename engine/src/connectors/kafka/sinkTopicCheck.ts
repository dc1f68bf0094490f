import { KafkaConnectorError, KafkaTopicMissingError } from "./errors.js";
import type { KafkaClient } from "./KafkaClient.js";
import { withRetry, type BackoffOptions, type StatusTracker } from "./retry.js";

/**
 * A sink's writers check at open that their topic exists. Sluice's producers never create topics,
 * and a write to a missing one would only fail after the client's metadata retries (~15 s with
 * kafkajs) and then be retried by the sink forever: a typo in a topic name must fail the job at
 * once, with the name; so must refused credentials. An unreachable broker is still waited for
 * (with backoff, in the status).
 */
export async function ensureSinkTopic(client: KafkaClient, topic: string, status: StatusTracker, backoff: BackoffOptions | undefined, isClosed?: () => boolean): Promise<void> {
  try {
    // A missing topic is final here (it is not for a source, which may wait for it), as is any error that says so itself (credentials refused).
    const final = (error: unknown) => error instanceof KafkaTopicMissingError || (error instanceof KafkaConnectorError && !error.retriable);
    await withRetry(() => client.partitions([topic]), { status, backoff, isRetriable: (error) => !final(error), isClosed });
  } catch (error) {
    if (error instanceof KafkaTopicMissingError) throw new KafkaTopicMissingError(topic, "; create it before writing to it (the sink never creates topics)", { cause: error, retriable: false });
    throw error;
  }
}
