/**
 * Cancelling a job whose Kafka sink waits for an unreachable broker (nothing listens on the port, a
 * real refused connection): the job ends "cancelled" and the sink is closed, without `backoff.maxAttempts`
 * and without waiting for `taskCancellationTimeout` (set far beyond the test's timeout here). Before,
 * a sink retrying in `open` (the topic check, the transactional producer) kept the job "running"
 * for good, and one retrying a write held it until `taskCancellationTimeout` (default 3 min).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { ConnectorStatus } from "./KafkaClient.js";
import { kafkaSink } from "./KafkaSink.js";

const cases = [
  { guarantee: "at-least-once", serializer: false, waits: "in open: the topic check" },
  { guarantee: "at-least-once", serializer: true, waits: "in a write" },
  { guarantee: "exactly-once", serializer: false, waits: "in open: the topic check" },
  { guarantee: "exactly-once", serializer: true, waits: "in open: the transactional producer" },
] as const;

for (const { guarantee, serializer, waits } of cases) {
  test(`cancel while an ${guarantee} Kafka sink waits for an unreachable broker (${waits}): cancelled, the sink closed`, { timeout: 60_000 }, async () => {
    const statuses: ConnectorStatus[] = [];
    const sink = kafkaSink<{ i: number }>({
      brokers: ["127.0.0.1:1"],
      topic: "unreachable",
      guarantee,
      ...(serializer ? { serializer: (v: { i: number }) => ({ value: String(v.i) }) } : {}),
      backoff: { initialMs: 50, maxMs: 200 },
      onStatus: (_, s) => statuses.push(s),
    });
    const env = StreamEnvironment.create({ parallelism: 1, taskCancellationTimeout: 3_600_000 });
    env.fromArray(Array.from({ length: 10 }, (_, i) => ({ i }))).sinkTo(sink);
    const job = env.execute("cancel-unreachable");
    while (!statuses.some((s) => s.state === "retrying")) await new Promise((resolve) => setTimeout(resolve, 10));
    await job.cancel();
    const result = await job.done;
    assert.equal(result.status, "cancelled", `ended ${result.status}: ${result.error?.message}`);
    assert.equal(statuses.at(-1)?.state, "closed", `the sink's last status: ${JSON.stringify(statuses.at(-1))}`);
  });
}
