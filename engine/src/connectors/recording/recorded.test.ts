/**
 * recorded(): record a live source, replay it identically. The live source here is a fake whose
 * data, batch sizes and timestamps are random on every read, as a real live source's would be, so a
 * replay can only match the recording run by reading the file.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { OutputTag } from "../../api/OutputTag.js";
import { ApiUsageError } from "../../errors/errors.js";
import type { DeadLetter } from "../../operators/Operator.js";
import { sinks } from "../../sinks/sinks.js";
import { ManualClock } from "../../testing/ManualClock.js";
import { TestSource } from "../../testing/TestSource.js";
import { Time } from "../../time/Time.js";
import { WatermarkStrategy } from "../../time/WatermarkStrategy.js";
import { Aggregators } from "../../windows/AggregateFunction.js";
import { TumblingEventTimeWindows } from "../../windows/WindowAssigner.js";
import type { Source, SourcePoll, SourceReader } from "../Source.js";
import * as publicApi from "../../index.js";
import { RecordingError } from "./errors.js";
import { recorded } from "./recorded.js";

const dir = await mkdtemp(join(tmpdir(), "sluice-recording-"));
let n = 0;
const fresh = () => join(dir, `r${n++}`, "rec.jsonl");

interface Ev {
  key: string;
  n: number;
}

/** An endless, nondeterministic source: random keys, out-of-order source timestamps, random batch sizes, async polls. */
class LiveFake implements Source<Ev> {
  readonly name = "live:fake";
  readonly bounded = false;
  readers = 0;
  constructor(private readonly options: { badEvery?: number } = {}) {}
  createReader(ctx: Parameters<Source<Ev>["createReader"]>[0]) {
    this.readers++;
    let i = 0;
    let ts = 1_000_000;
    return {
      poll: async (max: number): Promise<SourcePoll<Ev>> => {
        await new Promise((r) => setImmediate(r));
        const size = Math.min(max, 1 + Math.floor(Math.random() * 40));
        const values: Ev[] = [];
        const timestamps: number[] = [];
        for (let k = 0; k < size; k++, i++) {
          if (this.options.badEvery !== undefined && i % this.options.badEvery === 0) ctx.badRecord(`bad #${i}`, `raw-${i}`, { offset: i });
          ts += Math.floor(Math.random() * 200);
          values.push({ key: `k${Math.floor(Math.random() * 3)}`, n: i });
          // Up to 5 s out of order: with 2 s of bound and 0.5 s of lateness, some arrive late, many too late.
          timestamps.push(ts - Math.floor(Math.random() * 5_000));
        }
        return { values, timestamps };
      },
    };
  }
}

/** Windowed counts with lateness, plus the too-late side output: everything event time decides. */
async function windowedRun(source: Source<Ev>, env = StreamEnvironment.create({ batchSize: 64 })) {
  const tooLate = new OutputTag<Ev>("too-late");
  const windows = env
    .fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness<Ev>(Time.seconds(2)))
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(Time.seconds(1)))
    .allowedLateness(500)
    .sideOutputLateData(tooLate)
    .aggregateWithWindow(Aggregators.count());
  const results = sinks.collect<unknown>();
  const late = sinks.collect<Ev>();
  windows.sinkTo(results);
  windows.getSideOutput(tooLate).sinkTo(late);
  const result = await env.execute("windowed").done;
  return { error: result.error, results: results.values, late: late.values };
}

test("a replay gives the recording run's event-time results exactly, without touching the live source", async () => {
  const path = fresh();
  const live = new LiveFake();
  const first = await windowedRun(recorded(live, path, { maxRecords: 3_000 }));
  assert.equal(first.error, undefined);
  assert.equal(live.readers, 1);
  assert.ok(first.late.length > 0, "the data has records later than the allowed lateness");
  assert.ok(
    (first.results as { late: boolean }[]).some((r) => r.late),
    "and late firings",
  );

  const again = recorded(live, path, { maxRecords: 3_000 });
  const second = await windowedRun(again);
  assert.equal(live.readers, 1, "replay never created a reader of the live source");
  assert.deepEqual(again.lastRun(), { mode: "replay", path, records: 3_000, complete: true });
  assert.deepEqual(second, first);

  // Control: reading the live source again (not replaying) does not give the same results.
  const live2 = await windowedRun(recorded(new LiveFake(), fresh(), { maxRecords: 3_000 }));
  assert.notDeepEqual(live2.results, first.results);
});

test("the file is JSON lines: a header naming source and limits, one line per record with its timestamp, a footer", async () => {
  const path = fresh();
  const src = new TestSource<{ id: number }>("orders");
  src.pushWithTimestamp({ id: 1 }, 100).pushWithTimestamp({ id: 2 }, 200).push({ id: 3 });
  const env = StreamEnvironment.create();
  const out = sinks.collect<{ id: number }>();
  env.fromSource(recorded(src, path, { maxRecords: 3 })).sinkTo(out);
  await env.execute("format").wait();
  const lines = (await readFile(path, "utf8"))
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 5);
  assert.deepEqual(
    { ...lines[0], recordedAt: "-" },
    { format: "sluice-recording", version: 1, source: "orders", limits: { maxRecords: 3, maxDuration: null }, recordedAt: "-", codec: "json", splits: false },
  );
  assert.deepEqual(lines.slice(1, 4), [
    { p: 0, t: 100, v: { id: 1 } },
    { p: 0, t: 200, v: { id: 2 } },
    { p: 0, v: { id: 3 } },
  ]);
  assert.deepEqual({ ...(lines[4]!.end as object), durationMs: 0 }, { records: 3, badRecords: 0, lines: 3, polls: 1, reason: "maxRecords", durationMs: 0 });
  await assert.rejects(stat(`${path}.partial`), { code: "ENOENT" });
});

test("maxRecords cuts the last batch; the job ends", async () => {
  const path = fresh();
  const src = new TestSource<number>();
  src.push(...Array.from({ length: 25 }, (_, i) => i));
  const env = StreamEnvironment.create({ batchSize: 7 });
  const values = await env.fromSource(recorded(src, path, { maxRecords: 10 })).executeAndCollect();
  assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const replay = await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 10, mode: "replay" }))
    .executeAndCollect();
  assert.deepEqual(replay, values);
});

test("maxDuration ends a recording whose live source has gone quiet", async () => {
  const path = fresh();
  const clock = new ManualClock(0);
  const src = new TestSource<number>();
  const env = StreamEnvironment.create({ clock });
  const out = sinks.collect<number>();
  const source = recorded(src, path, { maxDuration: Time.seconds(30) });
  env.fromSource(source).sinkTo(out);
  const job = env.execute("quiet");
  src.push(1, 2);
  await job.whenIdle();
  clock.advance(10_000);
  src.push(3);
  // The record must be out before the deadline passes: a record and the deadline arriving together may go either way.
  while (out.values.length < 3) await new Promise((r) => setTimeout(r, 5));
  assert.equal(job.status, "running");
  clock.advance(20_000); // the source's poll is still waiting for data: the deadline ends it
  const result = await job.wait();
  assert.equal(result.error, undefined);
  assert.deepEqual(out.values, [1, 2, 3]);
  const footer = JSON.parse((await readFile(path, "utf8")).trimEnd().split("\n").pop()!) as { end: { reason: string; records: number; durationMs: number } };
  assert.deepEqual(footer.end, { records: 3, badRecords: 0, lines: 3, polls: 2, reason: "maxDuration", durationMs: 30_000 });
});

test("a recording cut short (cancel, crash) never appears under its name; auto records again, replay refuses", async () => {
  const path = fresh();
  const src = new TestSource<number>();
  src.push(1, 2, 3);
  const env = StreamEnvironment.create();
  env.fromSource(recorded(src, path, { maxRecords: 100 })).sinkTo(sinks.collect());
  const job = env.execute("cut");
  await job.whenIdle();
  await job.cancel();
  await assert.rejects(stat(path), { code: "ENOENT" });
  assert.match(await readFile(`${path}.partial`, "utf8"), /"v":3/);

  const replay = StreamEnvironment.create();
  replay.fromSource(recorded(src, path, { mode: "replay" })).sinkTo(sinks.collect());
  const refused = await replay.execute("replay").done;
  assert.ok(refused.error instanceof RecordingError);
  assert.match(refused.error.message, /no recording at/);

  // A file given the real name without its footer (e.g. a .partial renamed by hand) is refused before anything is emitted.
  await writeFile(path, await readFile(`${path}.partial`, "utf8"));
  const out = sinks.collect<number>();
  const env2 = StreamEnvironment.create();
  env2.fromSource(recorded(src, path, { mode: "replay" })).sinkTo(out);
  const unfinished = await env2.execute("unfinished").done;
  assert.ok(unfinished.error instanceof RecordingError);
  assert.match(unfinished.error.message, /unfinished/);
  assert.deepEqual(out.values, []);
});

test("a recording whose lines disagree with its footer fails the replay", async () => {
  const path = fresh();
  const src = new TestSource<number>();
  src.push(1, 2, 3, 4);
  await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 4 }))
    .executeAndCollect();
  const lines = (await readFile(path, "utf8")).split("\n");
  lines.splice(2, 1); // drop a record line
  await writeFile(path, lines.join("\n"));
  const env = StreamEnvironment.create();
  env.fromSource(recorded(src, path, { mode: "replay" })).sinkTo(sinks.collect());
  const result = await env.execute("damaged").done;
  assert.ok(result.error instanceof RecordingError);
  assert.match(result.error.message, /counts 4 lines, the file holds 3/);
});

test("bytes and dates replay as themselves; values JSON would change fail the recording", async () => {
  type V = { raw: Uint8Array; at: Date; n: number };
  const path = fresh();
  const src = new TestSource<V>();
  const values: V[] = [
    { raw: Buffer.from([0, 1, 255]), at: new Date("2026-11-25T02:00:00.123Z"), n: 1 },
    { raw: new Uint8Array([7, 8]), at: new Date(0), n: 2 },
  ];
  src.push(...values);
  const recordedValues = await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 2 }))
    .executeAndCollect();
  const replayed = await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 2 }))
    .executeAndCollect();
  assert.deepEqual(recordedValues, values);
  assert.equal(replayed.length, 2);
  for (const [i, v] of replayed.entries()) {
    assert.ok(Buffer.isBuffer(v.raw), "bytes read back as a Buffer");
    assert.deepEqual([...v.raw], [...values[i]!.raw]);
    assert.ok(v.at instanceof Date);
    assert.equal(v.at.getTime(), values[i]!.at.getTime());
  }
  assert.match(await readFile(path, "utf8"), /"raw":\{"\$bytes":"AAH\/"\},"at":\{"\$date":"2026-11-25T02:00:00.123Z"\}/);

  for (const [bad, why] of [
    [{ x: Number.NaN }, /NaN at \.x/],
    [{ m: new Map() }, /a Map instance at \.m/],
    [{ $bytes: "not mine" }, /reserved "\$bytes"/],
  ] as const) {
    const s = new TestSource<unknown>();
    s.push(bad);
    const env = StreamEnvironment.create();
    env.fromSource(recorded(s, fresh(), { maxRecords: 1 })).sinkTo(sinks.collect());
    const result = await env.execute("unrepresentable").done;
    assert.ok(result.error instanceof RecordingError, `${String(result.error)}`);
    assert.match(result.error.message, why);
  }
});

test("a codec records what JSON cannot hold", async () => {
  const path = fresh();
  const src = new TestSource<Map<string, number>>();
  src.push(new Map([["a", 1]]), new Map([["b", 2]]));
  const codec = { encode: (m: Map<string, number>) => [...m], decode: (j: unknown) => new Map(j as [string, number][]) };
  await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 2, codec }))
    .executeAndCollect();
  const replayed = await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 2, codec, mode: "replay" }))
    .executeAndCollect();
  assert.deepEqual(replayed, [new Map([["a", 1]]), new Map([["b", 2]])]);

  const env = StreamEnvironment.create();
  env.fromSource(recorded(src, path, { maxRecords: 2, mode: "replay" })).sinkTo(sinks.collect());
  const withoutCodec = await env.execute("no codec").done;
  assert.ok(withoutCodec.error instanceof RecordingError);
  assert.match(withoutCodec.error.message, /made with a codec/);
});

test("bad records the live source reported replay as the same dead letters", async () => {
  const run = async (source: Source<Ev>) => {
    const env = StreamEnvironment.create().setErrorPolicy("dead-letter");
    const out = sinks.collect<Ev>();
    const dead = sinks.collect<DeadLetter>();
    env.fromSource(source).sinkTo(out);
    env.deadLetters().sinkTo(dead);
    await env.execute("bad").wait();
    return { out: out.values, dead: dead.values.map((d) => ({ reason: d.reason, record: d.record })) };
  };
  const path = fresh();
  const live = new LiveFake({ badEvery: 10 });
  const first = await run(recorded(live, path, { maxRecords: 100 }));
  assert.ok(first.dead.length >= 9);
  assert.deepEqual(await run(recorded(live, path, { maxRecords: 100 })), first);
  assert.equal(live.readers, 1);
});

test("auto refuses a recording made with other limits instead of overwriting it", async () => {
  const path = fresh();
  const src = new TestSource<number>();
  src.push(1, 2, 3);
  await StreamEnvironment.create()
    .fromSource(recorded(src, path, { maxRecords: 3 }))
    .executeAndCollect();
  const env = StreamEnvironment.create();
  env.fromSource(recorded(src, path, { maxRecords: 2 })).sinkTo(sinks.collect());
  const result = await env.execute("other limits").done;
  assert.ok(result.error instanceof RecordingError);
  assert.match(result.error.message, /maxRecords 3.*maxRecords 2.*mode "record"/);
  // mode "record" replaces it.
  assert.deepEqual(
    await StreamEnvironment.create()
      .fromSource(recorded(src, path, { maxRecords: 2, mode: "record" }))
      .executeAndCollect(),
    [1, 2],
  );
  assert.match(await readFile(path, "utf8"), /"maxRecords":2/);
});

test("an unbounded source without a limit, or nonsense limits, are refused while declaring", () => {
  const src = new TestSource<number>();
  assert.throws(() => recorded(src, "x.jsonl"), ApiUsageError);
  assert.throws(() => recorded(src, "x.jsonl", { maxRecords: 0 }), ApiUsageError);
  assert.throws(() => recorded(src, "x.jsonl", { maxDuration: -1 }), ApiUsageError);
  assert.throws(() => recorded(src, "", { maxRecords: 1 }), ApiUsageError);
  recorded(src, "x.jsonl", { mode: "replay" }); // replay needs no limit
  // What cells see (the kernel pre-imports every export of the engine's index).
  assert.equal(publicApi.recorded, recorded);
  assert.equal(publicApi.RecordingError, RecordingError);
});

test("a checkpointed position resumes a replay where it stopped, from a record run or a replay run", async () => {
  const path = fresh();
  const src = new TestSource<number>();
  src.push(...Array.from({ length: 50 }, (_, i) => i));
  const source = recorded(src, path, { maxRecords: 50 });
  const ctx = { subtask: 0, parallelism: 1, clock: new ManualClock(0), jobName: "t", badRecord: () => assert.fail("no bad records") };
  const reader = source.createReader(ctx);
  await reader.open?.();
  const firstPoll = await reader.poll(20);
  const position = reader.snapshotPosition?.();
  const rest: number[] = [];
  for (let p = await reader.poll(20); ; p = await reader.poll(20)) {
    rest.push(...p.values);
    if (p.end) break;
  }
  await reader.close?.();
  assert.deepEqual(
    [...firstPoll.values, ...rest],
    Array.from({ length: 50 }, (_, i) => i),
  );

  const readAll = async (reader: SourceReader<number>): Promise<number[]> => {
    await reader.open?.();
    const all: number[] = [];
    for (let p = await reader.poll(100); ; p = await reader.poll(100)) {
      all.push(...p.values);
      if (p.end) break;
    }
    await reader.close?.();
    return all;
  };
  // A position taken while recording resumes by replaying the finished recording.
  const fromRecordRun = source.createReader(ctx);
  fromRecordRun.restorePosition?.(position);
  assert.deepEqual(await readAll(fromRecordRun), rest);

  // A position taken during a replay: read 45, snapshot, resume.
  const r = source.createReader(ctx);
  await r.open?.();
  let got = 0;
  while (got < 45) got += (await r.poll(45 - got)).values.length;
  const fromReplay = source.createReader(ctx);
  fromReplay.restorePosition?.(r.snapshotPosition?.());
  await r.close?.();
  assert.deepEqual(await readAll(fromReplay), [45, 46, 47, 48, 49]);
});

test("a reader with splits (per-split watermarks) replays its splits: the same ids, per record and per poll", async () => {
  const path = fresh();
  /** Two partitions; the reader learns them at its first poll, as a Kafka reader does on connecting. */
  const partitioned: Source<number> = {
    name: "partitioned",
    bounded: true,
    createReader: () => {
      let polls = 0;
      return {
        poll: (): SourcePoll<number> => (polls++ === 0 ? { values: [1, 2, 3], timestamps: [10, 20, 30], splits: ["p0", "p1", "p0"] } : { values: [4], timestamps: [40], splits: ["p1"], end: true }),
        splits: () => (polls === 0 ? undefined : ["p0", "p1"]),
      };
    },
  };
  const ctx = { subtask: 0, parallelism: 1, clock: new ManualClock(0), jobName: "t", badRecord: () => assert.fail("no bad records") };
  const seen = async (reader: SourceReader<number>) => {
    assert.equal(typeof reader.splits, "function", "the recorded reader has splits too");
    await reader.open?.();
    const log: unknown[] = [reader.splits?.()];
    for (;;) {
      const p = await reader.poll(10);
      log.push({ values: p.values, timestamps: p.timestamps, splits: p.splits, known: reader.splits?.() });
      if (p.end) break;
    }
    await reader.close?.();
    return log;
  };
  const source = recorded(partitioned, path);
  const live = await seen(source.createReader(ctx));
  assert.deepEqual(live[0], undefined);
  assert.deepEqual((live[1] as { known: string[] }).known, ["p0", "p1"]);
  assert.equal(source.lastRun()?.mode, "record");
  assert.deepEqual(await seen(source.createReader(ctx)), live);
  assert.equal(source.lastRun()?.mode, "replay");

  const plain = recorded(new TestSource<number>().push(1), fresh(), { maxRecords: 1 });
  assert.equal(plain.createReader(ctx).splits, undefined, "a reader without splits stays without");
});
