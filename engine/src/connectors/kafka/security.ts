import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { KafkaConfig, SASLOptions as KafkajsSasl } from "kafkajs";

/**
 * How a connector authenticates, the same for either client library: what a managed cluster
 * (Confluent Cloud, MSK, Aiven...) asks of a client. `tls: true` encrypts with the system's CA
 * certificates; an object is passed to Node's `tls.connect` (own CA, client certificate).
 *
 * @example
 * Kafka.source<Order>({
 *   brokers: ["pkc-xxxx.europe-west1.gcp.confluent.cloud:9092"],
 *   topics: ["orders"],
 *   security: { tls: true, sasl: { mechanism: "plain", username: process.env.KAFKA_KEY!, password: process.env.KAFKA_SECRET! } },
 * })
 */
export interface KafkaSecurity {
  tls?: boolean | TlsOptions;
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
}

/** kafkajs's spelling (`ssl`, lower-case mechanism). */
export function kafkajsSecurity(security: KafkaSecurity | undefined): Partial<KafkaConfig> {
  const config: Partial<KafkaConfig> = {};
  if (security?.tls !== undefined && security.tls !== false) config.ssl = security.tls;
  if (security?.sasl !== undefined) config.sasl = { ...security.sasl } as KafkajsSasl;
  return config;
}

/** @platformatic/kafka's spelling (`tls` options only, upper-case mechanism). */
export function platformaticSecurity(security: KafkaSecurity | undefined): { tls?: TlsOptions; sasl?: { mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512"; username: string; password: string } } {
  const options: ReturnType<typeof platformaticSecurity> = {};
  if (security?.tls !== undefined && security.tls !== false) options.tls = security.tls === true ? {} : security.tls;
  if (security?.sasl !== undefined) {
    const { mechanism, username, password } = security.sasl;
    options.sasl = { mechanism: mechanism.toUpperCase() as "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512", username, password };
  }
  return options;
}
