/** Kafka's own CLI tools (scripts/kafka-cli.sh) as oracles, and a topic filled through the test client. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import { kafkaVersion, type BrokerConnection } from "./kafkaBroker.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Kafka 4's console consumer (4.4.0 here) warns on stdout of `--consumer-property`, 3.9.2's knows no `--command-property`. */
const propertyOption = Number(kafkaVersion.split(".")[0]) >= 4 ? "--command-property" : "--consumer-property";

/** What Kafka's own console consumer reads from `topic` (read_committed), one string per record. */
export async function consoleConsume(bootstrap: string, topic: string, expected: number, extra: string[] = []): Promise<string[]> {
  const { stdout } = await run(
    "bash",
    [
      `${root}scripts/kafka-cli.sh`,
      "console-consumer",
      "--bootstrap-server",
      bootstrap,
      "--topic",
      topic,
      "--from-beginning",
      "--max-messages",
      String(expected),
      "--timeout-ms",
      "20000",
      propertyOption,
      "isolation.level=read_committed",
      ...extra,
    ],
    { timeout: 60_000, env: { ...process.env, SLUICE_KAFKA_VERSION: kafkaVersion } },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" })); // a timeout exits 1 after printing what it read
  return stdout.split("\n").filter((l) => l !== "");
}

export async function produce(broker: BrokerConnection, topic: string, records: Omit<OutgoingRecord, "topic">[], partitions = 1): Promise<void> {
  await broker.client.createTopics([{ topic, partitions }]);
  const producer = await broker.client.openProducer({ idempotent: true });
  try {
    await producer.send(records.map((r) => ({ ...r, topic })));
  } finally {
    await producer.close();
  }
}
