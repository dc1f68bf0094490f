/**
 * Test support for the Kafka integration tests: makes sure a real broker runs (through
 * scripts/kafka.sh, which downloads Kafka from Maven Central once), and gives small helpers to
 * drive source readers and sink writers directly.
 *
 * SLUICE_KAFKA_VERSION picks the broker (default 3.9.2; e.g. 4.4.0). A broker this process
 * started is stopped by `stopIfStartedHere()`; one that was already running is left alone (so
 * scripts/test.sh can start it once for all files and stop it at the end).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before } from "node:test";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { SourcePoll, SourceReader, SourceReaderContext } from "../../engine/src/connectors/Source.js";
import { SystemClock } from "../../engine/src/time/Clock.js";

const run = promisify(execFile);
// This file runs as dist/test/integration/kafkaBroker.js; the repo root is three levels up.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const script = `${root}scripts/kafka.sh`;

export const kafkaVersion = process.env.SLUICE_KAFKA_VERSION ?? "3.9.2";
/** SLUICE_KAFKA_TESTS=off skips these tests (e.g. on a machine without Java); they never skip on their own. */
export const kafkaTestsOff = process.env.SLUICE_KAFKA_TESTS === "off";

let startedHere = false;

export async function ensureBroker(): Promise<string> {
  const status = await run("bash", [script, "status", kafkaVersion]).then(
    () => true,
    () => false,
  );
  const { stdout } = await run("bash", [script, "start", kafkaVersion], { timeout: 300_000 });
  if (!status) startedHere = true;
  const bootstrap = stdout.trim().split("\n").pop() ?? "";
  if (!/^[\d.]+:\d+$/.test(bootstrap)) throw new Error(`scripts/kafka.sh start printed no host:port: ${JSON.stringify(stdout)}`);
  return bootstrap;
}

export async function stopIfStartedHere(): Promise<void> {
  if (startedHere && process.env.SLUICE_KAFKA_KEEP !== "1") await run("bash", [script, "stop", kafkaVersion], { timeout: 60_000 });
}

export interface BrokerConnection {
  /** host:port of the broker; set once the suite's `before` hook ran. */
  bootstrap: string;
  client: KafkajsClient;
}

/**
 * Call inside a `describe`: before its tests, a broker (started if none runs) and a client to it;
 * after them, the client closed and a broker started here stopped.
 */
export function connectToBroker(): BrokerConnection {
  const connection = {} as BrokerConnection;
  before(async () => {
    connection.bootstrap = await ensureBroker();
    connection.client = KafkajsClient.create({ brokers: [connection.bootstrap] });
  });
  after(async () => {
    await connection.client?.close();
    await stopIfStartedHere();
  });
  return connection;
}

/** A topic name no other test (or earlier run) used. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface BadRecordCall {
  reason: string;
  raw: unknown;
  position: { source?: string; offset?: number; line?: number };
}

export function readerContext(subtask = 0, parallelism = 1, bad: BadRecordCall[] = []): SourceReaderContext {
  return {
    subtask,
    parallelism,
    clock: new SystemClock(),
    jobName: "kafka-test",
    badRecord: (reason, raw, position) => void bad.push({ reason, raw, position }),
  };
}

/** Polls a bounded reader until it ends; honours `retryAt` like the engine's source task. */
export async function readToEnd<T>(reader: SourceReader<T>, max = 500): Promise<{ values: T[]; timestamps: number[] }> {
  const values: T[] = [];
  const timestamps: number[] = [];
  for (;;) {
    const poll: SourcePoll<T> = await reader.poll(max);
    values.push(...poll.values);
    timestamps.push(...(poll.timestamps ?? []));
    if (poll.end === true) return { values, timestamps };
    if (poll.retryAt !== undefined) await new Promise((r) => setTimeout(r, Math.max(0, poll.retryAt! - Date.now())));
  }
}

/** Polls until at least `count` values arrived (unbounded readers). */
export async function readAtLeast<T>(reader: SourceReader<T>, count: number, max = 100): Promise<T[]> {
  const values: T[] = [];
  while (values.length < count) {
    const poll = await reader.poll(max);
    values.push(...poll.values);
    if (poll.retryAt !== undefined) await new Promise((r) => setTimeout(r, Math.max(0, poll.retryAt! - Date.now())));
  }
  return values;
}

/**
 * Reads a topic with read_committed until at least `count` records are visible (or `attempts` reads
 * were made; then returns what it saw, for the caller's assertion to report). A producer's commit
 * returns before the broker has written the commit markers, and until then the last stable offset,
 * and with it what read_committed readers see, lags behind: right after a job committed, a bounded
 * read may end early.
 */
export async function readCommitted<T>(bootstrap: string, topic: string, count: number, attempts = 50): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    const reader = kafkaSource<T>({ brokers: [bootstrap], topics: [topic], bounded: true, isolation: "read_committed" }).createReader(readerContext());
    let values: T[];
    try {
      values = (await readToEnd(reader)).values;
    } finally {
      await reader.close?.();
    }
    if (values.length >= count || attempt >= attempts) return values;
    await new Promise((r) => setTimeout(r, 200));
  }
}
