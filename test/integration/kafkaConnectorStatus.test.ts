/**
 * A Kafka source's and sink's trouble reaches the job's metrics (`job.metrics().connectors`, shown in
 * the status line and %jobs) through their readers' and writers' typed `connectorStatus()`, with either
 * client library. No broker is needed: port 1 on loopback refuses every connection, so each subtask
 * keeps retrying until the job is cancelled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { StreamEnvironment } from "../../engine/src/api/StreamEnvironment.js";
import type { KafkaLibrary } from "../../engine/src/connectors/kafka/clientChoice.js";
import { kafkaSink } from "../../engine/src/connectors/kafka/KafkaSink.js";
import { kafkaSource } from "../../engine/src/connectors/kafka/KafkaSource.js";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import type { ConnectorNotice } from "../../engine/src/runtime/JobMetrics.js";
import { executeModuleJob } from "../../engine/src/runtime/workers/moduleJob.js";
import { workerStats } from "../../engine/src/runtime/workers/workerPlacement.js";
import { sinks } from "../../engine/src/sinks/sinks.js";
import { kafkaTestsOff } from "./kafkaBroker.js";

const NOBODY = "127.0.0.1:1";
/** A cancel waits for the sink's write in flight, which retries until it gives up: a few seconds here, not forever. */
const fewRetries = { initialMs: 200, maxMs: 1_000, maxAttempts: 5 };

/** The job's connector notices once `count` of them say "retrying" (a connection refused takes a few ms), then the job cancelled. */
async function retryingNotices(job: JobHandle, count = 1): Promise<ConnectorNotice[]> {
  try {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const notices = job.metrics().connectors ?? [];
      if (notices.filter((n) => n.state === "retrying").length >= count) return notices;
      await sleep(50);
    }
    assert.fail(`no connector notice within 20 s: ${JSON.stringify(job.metrics().connectors)}`);
  } finally {
    await job.cancel();
  }
}

for (const library of ["kafkajs", "platformatic"] as const satisfies readonly KafkaLibrary[]) {
  test(`${library}: a Kafka source that cannot reach its broker is a retrying connector in the job's metrics`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, async () => {
    const env = StreamEnvironment.create();
    env
      .fromSource(kafkaSource({ brokers: [NOBODY], topics: ["orders"], library }))
      .name("orders")
      .sinkTo(sinks.collect());
    const [notice, ...more] = await retryingNotices(env.execute(`${library} source status`));
    assert.deepEqual(more, []);
    assert.equal(notice?.operator, "orders");
    assert.equal(notice?.subtask, 0);
    assert.ok(notice?.message, "the connection error is the message");
  });

  test(`${library}: a Kafka sink that cannot reach its broker is a retrying connector in the job's metrics`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, async () => {
    const env = StreamEnvironment.create();
    env
      .fromArray([1, 2, 3])
      .sinkTo(kafkaSink<number>({ brokers: [NOBODY], topic: "counts", library, backoff: fewRetries }))
      .name("counts");
    const [notice, ...more] = await retryingNotices(env.execute(`${library} sink status`));
    assert.deepEqual(more, []);
    assert.equal(notice?.operator, "counts");
    assert.ok(notice?.message, "the connection error is the message");
  });

  test(`${library}: at parallelism 2 the source's subtasks on worker threads report their trouble to the job's metrics too`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, async () => {
    // Their readers live on the workers: the notices come with the subtasks' metrics through the worker protocol.
    const { job } = await executeModuleJob(new URL("./kafkaStatusJob.js", import.meta.url), "declareUnreachableKafkaJob", `${library} status on workers`, {
      environment: { parallelism: 2 },
      args: { library },
    });
    assert.ok(workerStats().threads > 0, "the source runs on worker threads");
    const notices = await retryingNotices(job, 2);
    assert.deepEqual(
      notices.map((n) => [n.operator, n.subtask, n.state]),
      [
        ["orders", 0, "retrying"],
        ["orders", 1, "retrying"],
      ],
    );
  });
}
