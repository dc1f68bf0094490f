/**
 * The job card names the split that holds event time back, in JupyterLab (Chromium, no network but
 * our own server and the test broker on loopback): a Kafka topic of two partitions where only
 * partition 0 gets records; without `withIdleness` partition 1 holds the watermark, and the card
 * says so (the hold line and the split table), as Flink's dashboard shows a subtask's watermark.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KafkajsClient } from "../../engine/src/connectors/kafka/KafkajsClient.js";
import { chromiumMissing } from "../support/chromium.js";
import { openNotebook } from "../support/jupyterLab.js";
import { ensureBroker, kafkaTestsOff, stopIfStartedHere, uniqueTopic } from "../integration/kafkaBroker.js";

test("JupyterLab's job card names the Kafka partition that holds the watermark back", { skip: chromiumMissing() ?? (kafkaTestsOff && "SLUICE_KAFKA_TESTS=off") }, async () => {
  const bootstrap = await ensureBroker();
  const topic = uniqueTopic("card-splits");
  const client = KafkajsClient.create({ brokers: [bootstrap] });
  try {
    await client.createTopics([{ topic, partitions: 2 }]);
    const producer = await client.openProducer({ idempotent: true });
    await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic, partition: 0, value: JSON.stringify({ ts: 1_700_000_000_000 + i * 100 }) })));
    await producer.close();
  } finally {
    await client.close();
  }
  const cells = [
    [
      "const env = StreamEnvironment.create();",
      `env.fromSource(Kafka.source<{ ts: number }>({ brokers: ["${bootstrap}"], topics: ["${topic}"], format: "json", startFrom: "earliest" }),`,
      '    WatermarkStrategy.forMonotonousTimestamps<{ ts: number }>().withTimestampAssigner((e) => e.ts), "clicks")',
      '  .keyBy(() => "k").window(TumblingEventTimeWindows.of(Time.seconds(1))).aggregate(Aggregators.count()).sinkTo(sinks.collect());',
      'const job = env.execute("splits");',
    ].join("\n"),
    "%jobs show splits --graph",
  ];
  const lab = await openNotebook({ name: "splits.ipynb", cells });
  try {
    const { page } = lab;
    await page.click(".jp-Notebook .jp-Cell >> nth=0");
    await page.keyboard.press("Shift+Enter");
    await page.waitForSelector(".sluice-job-status", { timeout: 30_000 });
    await page.keyboard.press("Shift+Enter");
    const card = page.locator(".sluice-job-card");
    await card.waitFor({ timeout: 30_000 });
    await card.getByText(`watermark held back by 'clicks' (split ${topic}[1] no records yet)`).waitFor({ timeout: 30_000 });
    // Each row is awaited in the state asserted: partition 0's watermark moves on as its 20 records
    // are read (22:13:20Z for the first ten), which may be after the hold line first shows.
    const row = (partition: number, text: RegExp) => card.locator("tr", { hasText: `${topic}[${partition}]` }).filter({ hasText: text });
    await row(1, /none yet/).waitFor({ timeout: 30_000 });
    await row(0, /2023-11-14 22:13:21Z/).waitFor({ timeout: 30_000 });
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server and the broker were contacted");
  } finally {
    await lab.close();
    await stopIfStartedHere();
  }
});
