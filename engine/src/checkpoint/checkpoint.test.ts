import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { OutputTag } from "../api/OutputTag.js";
import { RestartStrategies } from "../runtime/restart/RestartStrategies.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { DataGen } from "../connectors/datagen/DataGen.js";
import type { PageView } from "../connectors/datagen/PageViews.js";
import { CheckpointError } from "../errors/errors.js";
import { CollectSink } from "../sinks/MemorySinks.js";
import { sinks } from "../sinks/sinks.js";
import { ManualClock } from "../testing/ManualClock.js";
import { TestSource } from "../testing/TestSource.js";
import { userBursts } from "../testing/userBursts.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import { FileCheckpointStorage } from "./CheckpointStorage.js";
import { decodeCheckpoint, encodeCheckpoint } from "./codec.js";

const TOTAL = 3000;

/** Page views with disorder beyond the watermark bound, so some records are late and some dropped. */
async function pageViews(): Promise<PageView[]> {
  const env = StreamEnvironment.create();
  return env.fromSource(DataGen.pageViews({ rate: Number.POSITIVE_INFINITY, count: TOTAL, maxOutOfOrderness: 8000, eventsPerSecond: 50, seed: 5 })).executeAndCollect();
}

interface Outputs {
  windows: string; // JSONL file path
  late: CollectSink<PageView>;
  sessions: CollectSink<string>;
}

/** The pipeline under test: windows with lateness and a late side output, plus keyed state and timers. */
function build(env: StreamEnvironment, source: TestSource<PageView>, out: Outputs, crashAt?: { armed: boolean; eventId: number }): void {
  const late = new OutputTag<PageView>("late");
  const views = env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<PageView>(1000).withTimestampAssigner((v) => v.ts),
    )
    .map((v) => {
      if (crashAt?.armed === true && v.eventId >= crashAt.eventId) throw new Error("injected crash");
      return v;
    })
    .uid("crash-hook");
  const windows = views
    .keyBy((v) => v.page)
    .window(TumblingEventTimeWindows.of(5000))
    .allowedLateness(1500)
    .sideOutputLateData(late)
    .aggregateWithWindow(Aggregators.stats((v: PageView) => v.durationMs))
    .uid("page-windows");
  windows.sinkTo(sinks.jsonLines(out.windows)).uid("windows-file");
  windows.getSideOutput(late).sinkTo(out.late).uid("late-sink");
  views
    .keyBy((v) => v.userId)
    .process(userBursts())
    .uid("user-bursts")
    .sinkTo(out.sessions)
    .uid("bursts-sink");
}

async function outputs(dir: string, name: string): Promise<Outputs> {
  return { windows: join(dir, `${name}.jsonl`), late: sinks.collect<PageView>(), sessions: sinks.collect<string>() };
}

test("a job restored from its last checkpoint after a crash produces the same output as an uninterrupted run", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-chk-"));
  const data = await pageViews();

  // 1. Uninterrupted reference run.
  const reference = await outputs(dir, "reference");
  {
    const env = StreamEnvironment.create({ batchSize: 50 });
    const source = new TestSource<PageView>();
    source.push(...data).end();
    build(env, source, reference);
    await env.execute("reference").wait();
  }

  // 2. Run with a checkpoint after 1000 records, then a crash after 1500.
  const run = await outputs(dir, "recovered");
  const checkpoints = join(dir, "checkpoints");
  const source = new TestSource<PageView>();
  const crash = { armed: false, eventId: 1500 };
  {
    const env = StreamEnvironment.create({ batchSize: 50 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: checkpoints });
    build(env, source, run, crash);
    const job = env.execute("crashing");
    source.push(...data.slice(0, 1000));
    await job.whenIdle();
    const checkpoint = await job.checkpoint();
    assert.equal(checkpoint.id, 1);
    crash.armed = true;
    source.push(...data.slice(1000, 2000));
    const result = await job.done;
    assert.equal(result.status, "failed");
    assert.match(result.error!.message, /injected crash/);
  }
  source.push(...data.slice(2000));
  source.end();
  // The crashed run wrote past the checkpoint; the restore must roll the file back, not start over.
  const saved = (await new FileCheckpointStorage(checkpoints).latest())!;
  const fileState = saved.operators.find((o) => o.uid === "windows-file")!.subtasks[0]!.state as { position: number };
  assert.ok(fileState.position > 0);
  assert.ok((await stat(run.windows)).size > fileState.position, "output written after the checkpoint");

  // 3. Restore from the latest checkpoint and run to the end.
  {
    const env = StreamEnvironment.create({ batchSize: 50 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: checkpoints });
    build(env, source, run);
    const result = await env.execute("restored", { restoreFrom: "latest" }).wait();
    assert.equal(result.metrics.checkpoints.restoredFrom, 1);
  }

  const referenceWindows = await readFile(reference.windows, "utf8");
  assert.ok(reference.late.values.length > 0, "the data must have late records");
  assert.ok(
    referenceWindows.split("\n").some((l) => l.includes('"late":true')),
    "the data must have late firings",
  );
  // Per key and window, the same results in the same order (on-time, then each late firing). Across
  // keys, firings at the same watermark have no defined order (nor in Flink: timers of equal time).
  assert.deepEqual(resultsPerKeyAndWindow(await readFile(run.windows, "utf8")), resultsPerKeyAndWindow(referenceWindows));
  assert.deepEqual(run.late.values, reference.late.values);
  assert.deepEqual(run.sessions.values, reference.sessions.values);
});

test("savepoints restore keyed state at a different parallelism", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-sp-"));
  const words = "a b c d e f g h i j k l".split(" ");
  const source = new TestSource<string>();
  const pipeline = (env: StreamEnvironment, out: CollectSink<[string, number]>) =>
    env
      .fromSource(source)
      .keyBy((w) => w)
      .process<[string, number]>((w, ctx, collector) => {
        const n = ctx.getState<number>("n", 0);
        n.update(n.value()! + 1);
        collector.collect([w, n.value()!]);
      })
      .uid("counter")
      .sinkTo(out)
      .setParallelism(1);
  const first = sinks.collect<[string, number]>();
  const env1 = StreamEnvironment.create({ parallelism: 2 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  pipeline(env1, first);
  const job = env1.execute("v1");
  source.push(...words, ...words);
  await job.whenIdle();
  const sp = await job.savepoint("before-scale");
  assert.match(sp.path, /savepoint-before-scale\.json$/);
  await job.cancel();

  source.push(...words);
  source.end();
  const second = sinks.collect<[string, number]>();
  const env2 = StreamEnvironment.create({ parallelism: 3 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  pipeline(env2, second);
  await env2.execute("v2", { restoreFrom: "before-scale" }).wait();
  assert.equal(first.values.filter(([, n]) => n === 2).length, words.length);
  assert.deepEqual(
    [...second.values].sort(),
    words.map((w) => [w, 3]),
  );
  assert.ok((await readdir(dir)).includes("savepoint-before-scale.json"));
});

test("restoring a checkpoint with state for unknown operators is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-uid-"));
  const source = new TestSource<number>();
  const env1 = StreamEnvironment.create().setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  env1
    .fromSource(source)
    .keyBy((x) => x)
    .process<number>((x, ctx, out) => {
      ctx.getState<number>("seen").update(x);
      out.collect(x);
    })
    .uid("old-name")
    .sinkTo(sinks.collect());
  const job = env1.execute();
  source.push(1, 2);
  await job.whenIdle();
  await job.checkpoint();
  await job.cancel();
  const env2 = StreamEnvironment.create().setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  env2
    .fromSource(source)
    .keyBy((x) => x)
    .process<number>((x, _c, out) => out.collect(x))
    .uid("new-name")
    .sinkTo(sinks.collect());
  const result = await env2.execute("renamed", { restoreFrom: "latest" }).done;
  assert.equal(result.status, "failed");
  assert.ok(result.error instanceof CheckpointError);
  assert.match(result.error.message, /old-name/);
});

test("checkpoint() without enableCheckpointing is rejected", async () => {
  const env = StreamEnvironment.create();
  const source = new TestSource<number>();
  env.fromSource(source).sinkTo(sinks.collect());
  const job = env.execute();
  await assert.rejects(job.checkpoint(), /not enabled/);
  await job.cancel();
});

test("a savepoint asked for as the job starts waits until checkpointing is set up (it was refused as not enabled)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-ckpt-start-"));
  const env = StreamEnvironment.create().enableCheckpointing({ directory: dir });
  const source = new TestSource<number>();
  env.fromSource(source).sinkTo(sinks.collect());
  const job = env.execute();
  // At once: the job is still reading its checkpoint directory (a card's Savepoint button pressed on a loaded machine).
  const saved = await job.savepoint("at-start");
  assert.equal(saved.id, 1);
  assert.ok((await readdir(dir)).includes("savepoint-at-start.json"));
  await job.cancel();
  await rm(dir, { recursive: true, force: true });
});

test("the checkpoint codec keeps infinities, NaN, bigint, dates, maps and sets", () => {
  const value = { a: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY, c: Number.NaN, d: 10n, e: new Date(5), f: new Map([["k", new Set([1])]]), g: [1, "x", null] };
  assert.deepEqual(decodeCheckpoint(encodeCheckpoint(value)), value);
});

test("periodic checkpoints follow the clock and keep only the newest files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-periodic-"));
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir, interval: 1000, retain: 2 });
  const source = new TestSource<number>();
  env
    .fromSource(source)
    .keyBy((x) => x % 2)
    .reduce((a, b) => a + b)
    .sinkTo(sinks.collect());
  const job = env.execute("periodic");
  source.push(1, 2, 3);
  await job.whenIdle();
  for (let i = 0; i < 4; i++) {
    clock.advance(1000);
    await job.whenIdle();
    // Writing the file happens off the scheduler; wait for it like any I/O.
    for (let k = 0; k < 20 && job.metrics().checkpoints.completed < i + 1; k++) await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(job.metrics().checkpoints.completed, 4);
  assert.deepEqual((await readdir(dir)).sort(), ["chk-000003.json", "chk-000004.json"]);
  await job.cancel();
});

function resultsPerKeyAndWindow(jsonLines: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of jsonLines.split("\n").filter(Boolean)) {
    const { key, start } = JSON.parse(line) as { key: string; start: number };
    const id = `${key}@${start}`;
    out.set(id, [...(out.get(id) ?? []), line]);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
