/**
 * A job declared in a module for kafkaConnectorStatus.test: at parallelism 2 its Kafka source's two
 * subtasks run on worker threads (the collecting sink on the main thread), reading from a broker that
 * is not there (port 1 on loopback refuses every connection).
 */
import type { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { KafkaLibrary } from "../../engine/src/connectors/kafka/clientChoice.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import { sinks } from "../../engine/src/sinks/sinks.js";

export function declareUnreachableKafkaJob(env: StreamEnvironment, args: { library: KafkaLibrary }): void {
  env
    .fromSource(kafkaSource({ brokers: ["127.0.0.1:1"], topics: ["orders"], library: args.library }))
    .name("orders")
    .uid("orders")
    .sinkTo(sinks.collect())
    .setParallelism(1);
}
