// The Kafka connector's public surface (re-exports only).
export { Kafka } from "./Kafka.js";
export { kafkaSource, type KafkaSource, type KafkaSourceOptions, type StartFrom } from "./KafkaSource.js";
export { kafkaSink, AtLeastOnceKafkaWriter, type KafkaSink, type KafkaSinkOptions } from "./KafkaSink.js";
export { TransactionalKafkaWriter, type KafkaCommittable } from "./TransactionalKafkaWriter.js";
export { KafkajsClient, type KafkajsClientOptions } from "./KafkajsClient.js";
// PlatformaticClient is not re-exported: loading @platformatic/kafka takes ~0.7 s. Import it from
// "sluice/kafka/platformatic" to configure one (TLS, SASL...), or pick it by `library: "platformatic"`.
export { createKafkaClient, chosenKafkaLibrary, type KafkaLibrary } from "./clientChoice.js";
export { kafkajsSecurity, platformaticSecurity, type KafkaSecurity } from "./security.js";
export type * from "./KafkaClient.js";
export { valueDeserializer, valueSerializer, type KafkaDeserializer, type KafkaSerializer, type ValueFormat } from "./formats.js";
export { encodePosition, decodePosition, mergePositions, type KafkaSourcePosition } from "./position.js";
export { KafkaConnectorError, KafkaTransactionError, KafkaTopicMissingError, KafkaAuthenticationError, KafkaSourceStalledError, type KafkaPosition } from "./errors.js";
export { ownerOf, partitionsOf } from "./assignment.js";
