/** The job card: graph, back-pressure colour, rates, watermarks and checkpoints of a real engine job. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Aggregators, ManualClock, RestartStrategies, StreamEnvironment, TestSource, Time, TumblingEventTimeWindows, WatermarkStrategy, sinks } from "../../../engine/src/index.js";
import { HOLD_AFTER_MS } from "../../../engine/src/runtime/watermarkHold.js";
import { type SplitEvent, SplitTestSource } from "../../../engine/src/testing/SplitTestSource.js";
import { JobCard, backPressureLevel } from "./jobCard.js";

function* naturals(): Generator<number> {
  for (let i = 0; ; i++) yield i;
}

/** The `<g class="operator">` of the operator named `name`. */
function operatorBox(html: string, name: string): string {
  const box = html.split('<g class="operator"').find((g) => g.includes(`<title>${name} [`));
  assert.ok(box, `no box for ${name} in ${html}`);
  return box;
}

test("Flink's back-pressure levels: OK up to 10%, LOW up to 50%, HIGH above", () => {
  assert.deepEqual([0, 0.1, 0.11, 0.5, 0.51, 1].map(backPressureLevel), ["OK", "OK", "LOW", "LOW", "HIGH", "HIGH"]);
});

test("a slow sink colours its upstream HIGH and itself OK; rates and counts per operator; checkpoints listed", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-card-"));
  try {
    const env = StreamEnvironment.create({ batchSize: 16, channelCapacity: 32 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
    let writes = 0;
    let release: () => void = () => {};
    const enough = new Promise<void>((resolve) => (release = resolve));
    env
      .fromIterable(naturals(), "numbers")
      .map((x) => x * 2)
      .name("double")
      .sinkTo(
        sinks.callback<number>(async () => {
          if (++writes === 10) release();
          await new Promise((r) => setTimeout(r, 5));
        }),
      );
    const job = env.execute("slow sink");
    await enough;
    await job.checkpoint();
    const card = new JobCard(job);
    let html = "";
    for (let i = 0; i < 4; i++) {
      html = card.bundle(job.metrics())["text/html"] as string;
      await new Promise((r) => setTimeout(r, 30));
    }
    assert.match(html, /<svg /);
    assert.match(operatorBox(html, "numbers"), /fill="#ef9a9a"/, "source HIGH");
    assert.match(operatorBox(html, "double"), /back-pressure HIGH \(100%\)/);
    assert.match(operatorBox(html, "callback"), /back-pressure OK \(0%\)/);
    assert.match(operatorBox(html, "double"), /in [\d,]+ · out [\d,]+ \([\d,]+\/s → [\d,]+\/s\)/);
    assert.match(html, /Checkpoints: 1 completed, 0 failed/);
    assert.match(html, /<td[^>]*>1<\/td><td[^>]*>checkpoint<\/td><td[^>]*>completed<\/td>/);
    const text = card.bundle(job.metrics())["text/plain"] as string;
    assert.match(text, /double \[\d+\] p=1: in [\d,]+/);
    await job.cancel();
    const final = card.bundle(job.metrics())["text/html"] as string;
    assert.match(final, /cancelled/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the card lists dead letters with their operator, reason and record", async () => {
  const env = StreamEnvironment.create().setErrorPolicy("dead-letter");
  env
    .fromElements("1", "x", "3")
    .map((s) => {
      const v = Number(s);
      if (Number.isNaN(v)) throw new Error(`not a number: ${s}`);
      return v;
    })
    .name("parse")
    .sinkTo(sinks.collect<number>());
  const job = env.execute("parse");
  await job.wait();
  const html = new JobCard(job).bundle(job.metrics())["text/html"] as string;
  assert.match(html, /Dead letters: 1 \(latest 1\)/);
  assert.match(html, /not a number: x/);
  assert.match(html, /&quot;x&quot;|"x"/);
});

test("the card names the source that holds the watermark back, with its per-subtask watermark", async () => {
  const env = StreamEnvironment.create();
  const src = new TestSource<number>("clicks");
  Object.defineProperty(src, "bounded", { value: true });
  env
    .fromSource(src)
    .keyBy(() => "k")
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .aggregate(Aggregators.count())
    .sinkTo(sinks.collect());
  const job = env.execute("clicks");
  src.pushWithTimestamp(1, 1);
  await job.whenIdle();
  const html = new JobCard(job).bundle(job.metrics())["text/html"] as string;
  assert.match(html, /<div style="color:#9a6700">watermark held back by 'clicks' \(no watermark strategy\)<\/div>/);
  assert.match(html, /<td[^>]*>clicks<\/td><td[^>]*><\/td><td[^>]*>none yet<\/td><td[^>]*>no watermark strategy<\/td>/);
  await job.cancel();
});

test("the card names the split that holds event time back, and lists each split's watermark and idleness", async () => {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, autoWatermarkInterval: 100 });
  const source = new SplitTestSource(["orders[0]", "orders[1]", "orders[2]"], "orders");
  const byTs = WatermarkStrategy.forMonotonousTimestamps<SplitEvent>().withTimestampAssigner((e) => e.ts);
  env.fromSource(source, byTs.withIdleness(10_000)).sinkTo(sinks.collect());
  const job = env.execute("splits");
  const card = new JobCard(job);
  const row = (html: string, split: string) => new RegExp(`<td[^>]*><\\/td><td[^>]*>${split.replace(/[[\]]/g, "\\$&")}<\\/td><td[^>]*>([^<]*)<\\/td><td[^>]*>([^<]*)<\\/td>`).exec(html)?.slice(1);
  source.push("orders[0]", 1_000, 2_000);
  source.push("orders[2]", 1_500);
  await job.whenIdle();
  clock.advance(HOLD_AFTER_MS);
  await job.whenIdle();
  let html = card.bundle(job.metrics())["text/html"] as string;
  assert.match(html, /watermark held back by 'orders' \(split orders\[1\] no records yet\)/);
  assert.deepEqual(row(html, "orders[1]"), ["none yet", "active"]);
  assert.deepEqual(row(html, "orders[2]"), ["1499", "active"]);
  for (let t = 0; t < 11; t++) {
    clock.advance(1_000);
    source.push("orders[0]", 3_000 + t);
    await job.whenIdle();
  }
  html = card.bundle(job.metrics())["text/html"] as string;
  assert.deepEqual(row(html, "orders[0]"), ["3009", "active"]);
  assert.deepEqual(row(html, "orders[1]"), ["none yet", "idle"]);
  assert.deepEqual(row(html, "orders[2]"), ["1499", "idle"]);
  assert.doesNotMatch(html, /held back/, "idle splits hold nothing back");
  await job.cancel();
});

test("a parallel operator's subtasks are listed one by one, their counts adding up to the operator's", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 });
  env
    .fromElements(...Array.from({ length: 100 }, (_, i) => i))
    .keyBy((x) => x % 7)
    .reduce((a, b) => a + b)
    .name("inc")
    .sinkTo(sinks.collect<number>());
  const job = env.execute("parallel");
  await job.wait();
  const html = new JobCard(job).bundle(job.metrics())["text/html"] as string;
  const counts = [0, 1].map((i) => Number(new RegExp(`<td[^>]*>inc #${i}</td><td[^>]*>([\\d,]+)</td>`).exec(html)?.[1]?.replace(/,/g, "")));
  assert.ok(
    counts.every((c) => c > 0),
    `both subtasks got records: ${counts}`,
  );
  assert.equal(counts[0]! + counts[1]!, 100);
  assert.match(html, /<details><summary><b>Subtasks<\/b>/);
});
