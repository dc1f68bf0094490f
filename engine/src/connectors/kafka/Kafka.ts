import { kafkaSink } from "./KafkaSink.js";
import { kafkaSource } from "./KafkaSource.js";

/**
 * Kafka from cells: a source (Flink's KafkaSource) and a sink (Flink's KafkaSink). An options object
 * instead of Flink's builder: one readable line in a cell, and the options type lists every setting.
 *
 * @example
 * const orders = env.fromSource(Kafka.source<Order>({ brokers: ["127.0.0.1:9092"], topics: ["orders"] }));
 * counts.sinkTo(Kafka.sink({ brokers: ["127.0.0.1:9092"], topic: "counts", key: (c) => c.user }));
 */
export const Kafka = {
  source: kafkaSource,
  sink: kafkaSink,
};
