import { KafkaConnectorError } from "./errors.js";
import type { KafkaClient } from "./KafkaClient.js";
import { KafkajsClient } from "./KafkajsClient.js";
import { kafkajsSecurity, platformaticSecurity, type KafkaSecurity } from "./security.js";

/**
 * Which Kafka library a connector given only `brokers` talks through. "kafkajs" (default) or
 * "platformatic" (@platformatic/kafka: about 2× the sink throughput; see README). The environment
 * variable SLUICE_KAFKA_CLIENT sets the default for a whole process (a kernel, a test run).
 */
export type KafkaLibrary = "kafkajs" | "platformatic";

const LIBRARIES: readonly KafkaLibrary[] = ["kafkajs", "platformatic"];

export function chosenKafkaLibrary(library: KafkaLibrary | undefined): KafkaLibrary {
  const chosen = library ?? process.env.SLUICE_KAFKA_CLIENT ?? "kafkajs";
  if (!LIBRARIES.includes(chosen as KafkaLibrary)) {
    const from = library === undefined ? "SLUICE_KAFKA_CLIENT" : "library";
    throw new KafkaConnectorError(`Unknown Kafka client library '${chosen}' (${from}); choose one of ${LIBRARIES.join(", ")}`, {}, { retriable: false });
  }
  return chosen as KafkaLibrary;
}

/** A client of the chosen library. @platformatic/kafka is loaded on first use (~0.7 s), not with the engine. */
export function createKafkaClient(library: KafkaLibrary | undefined, brokers: string[], clientId: string, security?: KafkaSecurity): KafkaClient {
  if (chosenKafkaLibrary(library) === "kafkajs") return KafkajsClient.create({ brokers, clientId, kafkajs: kafkajsSecurity(security) });
  return new LazyKafkaClient("@platformatic/kafka", async () => {
    const { PlatformaticClient } = await import("./platformatic/PlatformaticClient.js");
    return PlatformaticClient.create({ brokers, clientId, platformatic: platformaticSecurity(security) });
  });
}

/**
 * Forwards to a client created on first use. It offers the optional `commitOffsets` and
 * `commitPrepared` (the connectors read their presence synchronously), which the lazily loaded
 * client must implement.
 */
class LazyKafkaClient implements KafkaClient {
  private loading: Promise<KafkaClient> | undefined;

  constructor(
    readonly library: string,
    private readonly load: () => Promise<KafkaClient>,
  ) {}

  private client(): Promise<KafkaClient> {
    return (this.loading ??= this.load());
  }

  ping: KafkaClient["ping"] = async () => (await this.client()).ping();
  listTopics: KafkaClient["listTopics"] = async () => (await this.client()).listTopics();
  partitions: KafkaClient["partitions"] = async (topics) => (await this.client()).partitions(topics);
  offsets: KafkaClient["offsets"] = async (topics, spec) => (await this.client()).offsets(topics, spec);
  committedOffsets: KafkaClient["committedOffsets"] = async (groupId, topics) => (await this.client()).committedOffsets(groupId, topics);
  createTopics: KafkaClient["createTopics"] = async (topics) => (await this.client()).createTopics(topics);
  openConsumer: KafkaClient["openConsumer"] = async (options) => (await this.client()).openConsumer(options);
  openProducer: KafkaClient["openProducer"] = async (options) => (await this.client()).openProducer(options);

  commitOffsets: NonNullable<KafkaClient["commitOffsets"]> = async (groupId, offsets) => {
    const client = await this.client();
    if (client.commitOffsets === undefined) throw new KafkaConnectorError(`the ${client.library} client cannot commit group offsets`, {}, { retriable: false });
    return client.commitOffsets(groupId, offsets);
  };

  commitPrepared: NonNullable<KafkaClient["commitPrepared"]> = async (transactionalId, identity) => {
    const client = await this.client();
    if (client.commitPrepared === undefined) throw new KafkaConnectorError(`the ${client.library} client cannot commit a prepared transaction`, { transactionalId }, { retriable: false });
    return client.commitPrepared(transactionalId, identity);
  };

  async close(): Promise<void> {
    // Never loaded: nothing to close (and no reason to load the library now).
    if (this.loading === undefined) return;
    await (await this.loading).close();
  }
}
