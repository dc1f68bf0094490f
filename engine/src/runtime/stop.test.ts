/**
 * Stop-with-savepoint (`job.stop()`): output before the stop plus output after restoring from its
 * savepoint equals an uninterrupted run, for non-transactional sinks (DuckDB append, collect); with
 * drain every window fires and the job finishes. Stops happen at random moments, while source polls
 * are in flight. SLUICE_STOP_SEEDS=20 runs more seeds (default 6).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { DataGen } from "../connectors/datagen/DataGen.js";
import type { PageView } from "../connectors/datagen/PageViews.js";
import { rngFor } from "../connectors/datagen/random.js";
import { duckdbTable } from "../connectors/duckdb/DuckDbTableSink.js";
import { SqlDatabase } from "../connectors/duckdb/SqlDatabase.js";
import type { Source, SourcePoll } from "../connectors/Source.js";
import { ApiUsageError, CheckpointError } from "../errors/errors.js";
import type { CollectSink } from "../sinks/MemorySinks.js";
import type { Sink } from "../sinks/Sink.js";
import { sinks } from "../sinks/sinks.js";
import { userBursts } from "../testing/userBursts.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { Aggregators } from "../windows/AggregateFunction.js";
import { TumblingEventTimeWindows } from "../windows/WindowAssigner.js";
import type { JobHandle, StopOptions } from "./JobHandle.js";
import { tempDir } from "../testing/tempDir.js";

const SEEDS = Number(process.env.SLUICE_STOP_SEEDS ?? 6);
const TOTAL = 2000;

let data: PageView[] | undefined;
async function pageViews(): Promise<PageView[]> {
  data ??= await StreamEnvironment.create()
    .fromSource(DataGen.pageViews({ rate: Number.POSITIVE_INFINITY, count: TOTAL, maxOutOfOrderness: 8000, eventsPerSecond: 50, seed: 9 }))
    .executeAndCollect();
  return data;
}

/**
 * A log over `values` whose every poll settles a turn of the event loop later (as a network read
 * does), so stops land while polls are in flight. The position advances when a poll settles, as the
 * `SourceReader` contract asks. Unless `ends`, it waits for more data at the end instead of ending.
 */
function asyncLog<T>(all: readonly T[], ends: boolean, maxParallelism = 1): Source<T> {
  return {
    name: "async-log",
    bounded: ends,
    maxParallelism,
    createReader: (ctx) => {
      // Subtask s of p reads every p-th value from the s-th on.
      const values = all.filter((_, i) => i % ctx.parallelism === ctx.subtask);
      let offset = 0;
      return {
        poll: (max) =>
          new Promise<SourcePoll<T>>((resolve) =>
            setImmediate(() => {
              const batch = values.slice(offset, offset + max);
              offset += batch.length;
              const end = ends && offset >= values.length;
              resolve(batch.length === 0 && !end ? { values: [], retryAt: ctx.clock.now() + 5 } : { values: batch, end });
            }),
          ),
        snapshotPosition: () => offset,
        restorePosition: (p) => void (offset = p as number),
      };
    },
  };
}

interface Outputs {
  windows: CollectSink<string>;
  bursts: CollectSink<string>;
  table: Sink<Row>;
}
interface Row {
  page: string;
  start: number;
  views: number;
}

function outputs(db: SqlDatabase, table: string): Outputs {
  return { windows: sinks.collect<string>(), bursts: sinks.collect<string>(), table: duckdbTable<Row>(table, { mode: "append", database: db }) };
}

/** Event-time windows into DuckDB (append) and a collect sink, and keyed state with event-time timers. */
function pipeline(env: StreamEnvironment, source: Source<PageView>, out: Outputs, onRecord: () => void = () => {}): void {
  const views = env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<PageView>(1000).withTimestampAssigner((v) => v.ts),
    )
    .uid("source")
    .map((v) => {
      onRecord();
      return v;
    })
    .uid("hook");
  const rows = views
    .keyBy((v) => v.page)
    .window(TumblingEventTimeWindows.of(5000))
    .aggregateWithWindow(Aggregators.count())
    .uid("windows")
    .map((r): Row => ({ page: r.key, start: r.start, views: r.value }))
    .uid("rows");
  rows.sinkTo(out.table).uid("duckdb");
  rows
    .map((r) => JSON.stringify(r))
    .uid("json")
    .sinkTo(out.windows)
    .uid("windows-collect");
  views
    .keyBy((v) => v.userId)
    .process(userBursts())
    .uid("bursts")
    .sinkTo(out.bursts)
    .uid("bursts-collect");
}

// Batch size 1: a watermark after every record, so which records are late does not depend on where
// a restored run's batches start.
const settings = { batchSize: 1 };

async function tableRows(db: SqlDatabase, table: string): Promise<string[]> {
  const result = await db.run(`select page, epoch_ms("start") as start, views from ${table} order by all`);
  return result.values.map((r) => JSON.stringify(r));
}

const sorted = (values: readonly string[]) => [...values].sort();

/** Runs the pipeline over `values` (ending at their end) and returns its outputs. */
async function reference(db: SqlDatabase, table: string, values: readonly PageView[]): Promise<Outputs> {
  const out = outputs(db, table);
  const env = StreamEnvironment.create(settings);
  pipeline(env, asyncLog(values, true), out);
  await env.execute("reference").wait();
  return out;
}

/** Runs an unbounded job and calls `job.stop(options)` once `after` records passed the first map. */
async function runAndStop(env: StreamEnvironment, out: Outputs, after: number, options: StopOptions) {
  const all = await pageViews();
  let seen = 0;
  let stopping: ReturnType<JobHandle["stop"]> | undefined;
  let job: JobHandle | undefined;
  pipeline(env, asyncLog(all, false), out, () => {
    if (++seen === after) stopping = job!.stop(options);
  });
  job = env.execute("stopped");
  await job.done;
  assert.ok(stopping !== undefined, "the stop was called");
  return { job, stop: await stopping };
}

test("stop with a savepoint, then restore: DuckDB append and collect sinks hold exactly the uninterrupted output", async () => {
  const all = await pageViews();
  const db = await SqlDatabase.open();
  const expected = await reference(db, "reference", all);
  const expectedRows = await tableRows(db, "reference");
  assert.ok(expectedRows.length > 50 && expected.bursts.values.length > 50);
  for (let seed = 0; seed < SEEDS; seed++) {
    const after = 1 + Math.floor(rngFor(21, seed)() * TOTAL * 0.9);
    const dir = tempDir("sluice-stop-");
    const table = `stopped_${seed}`;
    const before = outputs(db, table);
    const env = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
    const { stop } = await runAndStop(env, before, after, { savepoint: "upgrade" });
    assert.ok(stop.savepoint !== undefined && stop.savepoint.kind === "savepoint" && stop.savepoint.path.endsWith("savepoint-upgrade.json"));
    const read = stop.result.metrics.operators.find((o) => o.name === "async-log")!.recordsIn;
    assert.ok(read < TOTAL, `seed ${seed}: stopped before the end (read ${read})`);

    const afterOut = outputs(db, table);
    const resumed = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
    pipeline(resumed, asyncLog(all, true), afterOut);
    const result = await resumed.execute("resumed", { restoreFrom: "upgrade" }).wait();
    assert.equal(result.metrics.checkpoints.restoredFrom, stop.savepoint.id);

    const context = `seed ${seed}, stop after ${after} records`;
    assert.deepEqual(sorted([...before.windows.values, ...afterOut.windows.values]), sorted(expected.windows.values), `collect, ${context}`);
    assert.deepEqual(sorted([...before.bursts.values, ...afterOut.bursts.values]), sorted(expected.bursts.values), `keyed timers, ${context}`);
    assert.deepEqual(await tableRows(db, table), expectedRows, `DuckDB append, ${context}`);
    // Flink reports a stopped job FINISHED; the savepoint is in the StopResult.
    assert.equal(stop.result.status, "finished", `seed ${seed}: ${stop.result.error?.message}`);
  }
  db.close();
});

test("stop with drain fires every window and timer of what was read, and the job finishes", async () => {
  const all = await pageViews();
  const db = await SqlDatabase.open();
  for (let seed = 0; seed < Math.max(2, SEEDS / 2); seed++) {
    const after = 1 + Math.floor(rngFor(22, seed)() * TOTAL * 0.9);
    const dir = tempDir("sluice-drain-");
    const out = outputs(db, `drained_${seed}`);
    const env = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
    const { stop } = await runAndStop(env, out, after, { savepoint: "final", drain: true });
    assert.equal(stop.result.status, "finished", stop.result.error?.message);
    assert.ok(stop.savepoint?.path.endsWith("savepoint-final.json"));
    // As if the input had ended after the records the source read.
    const read = stop.result.metrics.operators.find((o) => o.name === "async-log")!.recordsIn;
    const expected = await reference(db, `drain_reference_${seed}`, all.slice(0, read));
    assert.ok(expected.windows.values.length > 0);
    assert.deepEqual(sorted(out.windows.values), sorted(expected.windows.values), `seed ${seed}, drain after ${after}`);
    assert.deepEqual(sorted(out.bursts.values), sorted(expected.bursts.values));
    assert.deepEqual(await tableRows(db, `drained_${seed}`), await tableRows(db, `drain_reference_${seed}`));

    // Restored from a drained savepoint, the job has nothing left to do.
    const again = outputs(db, `drained_${seed}`);
    const resumed = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
    pipeline(resumed, asyncLog(all, false), again);
    const result = await resumed.execute("after-drain", { restoreFrom: "final" }).wait();
    assert.equal(result.status, "finished");
    assert.deepEqual([...again.windows.values, ...again.bursts.values], []);
  }
  db.close();
});

test("stop with drain needs no checkpointing; a stop that leaves nothing to resume from is refused", async () => {
  const all = await pageViews();
  const db = await SqlDatabase.open();
  const out = outputs(db, "drained_plain");
  const env = StreamEnvironment.create(settings);
  let seen = 0;
  pipeline(env, asyncLog(all, false), out, () => void seen++);
  const job = env.execute("plain");
  while (seen < 100) await new Promise((resolve) => setImmediate(resolve));
  await assert.rejects(job.stop(), (e: unknown) => e instanceof ApiUsageError && /drain: true/.test((e as Error).message));
  await assert.rejects(job.stop({ savepoint: "x" }), (e: unknown) => e instanceof ApiUsageError && /enableCheckpointing/.test((e as Error).message));
  assert.equal(job.status, "running");
  const stop = await job.stop({ drain: true });
  assert.equal(stop.result.status, "finished");
  assert.equal(stop.savepoint, undefined);
  assert.ok(out.windows.values.length > 0, "windows fired on drain");
  db.close();
});

test("stop without a savepoint name takes one named after the job; stopping a finished job takes none", async () => {
  const db = await SqlDatabase.open();
  const dir = tempDir("sluice-stop-name-");
  const env = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
  const { job, stop } = await runAndStop(env, outputs(db, "named"), 300, {});
  assert.equal(stop.result.status, "finished");
  assert.match(stop.savepoint!.path, /savepoint-stopped-\d+\.json$/);
  assert.deepEqual((await job.stop()).savepoint, undefined);
  await assert.rejects(job.stop({ savepoint: "late" }), /is finished/);
  db.close();
});

/** A transactional sink: writes become visible (`committed`) only when their checkpoint commits. */
function transactionalSink() {
  const log: string[] = [];
  const committed: number[] = [];
  const sink: Sink<PageView> = {
    name: "txn",
    createWriter: () => {
      let open: number[] = [];
      const prepared = new Map<number, number[]>();
      return {
        write: (values) => void open.push(...values.map((v) => v.eventId)),
        prepareCommit: (id) => {
          prepared.set(id, open);
          open = [];
          return id;
        },
        commit: (id) => {
          log.push(`commit ${id}`);
          committed.push(...(prepared.get(id) ?? []));
          prepared.delete(id);
        },
        checkpointAborted: (id) => void log.push(`aborted ${id}`),
        abort: () => void log.push("abort"),
        recoverCommittables: () => {},
      };
    },
  };
  return { sink, log, committed };
}

async function stopTransactional(stopAt: number, bounded: boolean) {
  const all = await pageViews();
  const dir = tempDir("sluice-stop-2pc-");
  const txn = transactionalSink();
  const env = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
  let seen = 0;
  let job: JobHandle | undefined;
  let stopping: ReturnType<JobHandle["stop"]> | undefined;
  env
    .fromSource(asyncLog(all, bounded))
    .map((v) => {
      if (++seen === stopAt) stopping = job!.stop({ savepoint: "txn" });
      return v;
    })
    .sinkTo(txn.sink);
  job = env.execute("txn");
  await job.done;
  return { ...txn, stop: await stopping!, all };
}

test("stop commits two-phase-commit sinks with the savepoint and does not abort them", async () => {
  const { stop, log, committed, all } = await stopTransactional(500, false);
  assert.equal(stop.result.status, "finished");
  assert.deepEqual(log, [`commit ${stop.savepoint!.id}`]);
  const read = stop.result.metrics.operators.find((o) => o.kind === "source")!.recordsIn;
  assert.deepEqual(
    committed,
    all.slice(0, read).map((v) => v.eventId),
    "everything read is committed, nothing more",
  );
});

test("a bounded input that ends during the stop: the stop's savepoint is the final checkpoint", async () => {
  const { stop, log, committed, all } = await stopTransactional(TOTAL, true);
  assert.equal(stop.result.status, "finished");
  assert.deepEqual(log, [`commit ${stop.savepoint!.id}`]);
  assert.deepEqual(
    committed,
    all.map((v) => v.eventId),
  );
});

test("a stop whose savepoint fails rejects, and the job goes on without losing a record", async () => {
  const all = await pageViews();
  const db = await SqlDatabase.open();
  const expected = await reference(db, "resume_reference", all);
  const dir = tempDir("sluice-stop-fail-");
  const out = outputs(db, "resumed_after_failed_stop");
  const env = StreamEnvironment.create(settings).enableCheckpointing({ directory: dir });
  let seen = 0;
  let job: JobHandle | undefined;
  let stopping: ReturnType<JobHandle["stop"]> | undefined;
  pipeline(env, asyncLog(all, true), out, () => {
    if (seen++ !== 700) return;
    stopping = job!.stop({ savepoint: "no-such-directory/doomed" }); // its file cannot be written
    stopping.catch(() => undefined); // asserted below, once the job is over
  });
  job = env.execute("stop-fails");
  const result = await job.done;
  await assert.rejects(stopping!, (e: unknown) => e instanceof CheckpointError && /Writing checkpoint/.test((e as Error).message));
  assert.equal(result.metrics.checkpoints.failed, 1);
  assert.equal(result.status, "finished", result.error?.message);
  assert.deepEqual(sorted(out.windows.values), sorted(expected.windows.values));
  assert.deepEqual(sorted(out.bursts.values), sorted(expected.bursts.values));
  db.close();
});

test("stop at parallelism 2: every source subtask ends with the barrier; keyed counts continue exactly", async () => {
  const all = await pageViews();
  const db = await SqlDatabase.open();
  const run = (env: StreamEnvironment, source: Source<PageView>, out: CollectSink<string>, table: string, onRecord?: () => void) => {
    const counts = env
      .fromSource(source)
      .uid("source")
      .map((v) => {
        onRecord?.();
        return v;
      })
      .uid("hook")
      .map((v) => ({ page: v.page, n: 1 }))
      .uid("ones")
      .keyBy((r) => r.page)
      .reduce((a, b) => ({ page: a.page, n: a.n + b.n }))
      .uid("counts");
    counts
      .map((r) => JSON.stringify(r))
      .uid("json")
      .sinkTo(out)
      .uid("collect");
    // One writer: two DuckDB sink subtasks creating the table at once conflict (a sink issue of its own).
    counts
      .sinkTo(duckdbTable(table, { mode: "append", database: db }))
      .uid("duckdb")
      .setParallelism(1);
  };
  const expected = sinks.collect<string>();
  await (() => {
    const env = StreamEnvironment.create({ parallelism: 2, batchSize: 7 });
    run(env, asyncLog(all, true, 2), expected, "parallel_reference");
    return env.execute("reference").wait();
  })();
  for (let seed = 0; seed < Math.max(2, SEEDS / 2); seed++) {
    const after = 1 + Math.floor(rngFor(23, seed)() * TOTAL * 0.9);
    const dir = tempDir("sluice-stop-p2-");
    const before = sinks.collect<string>();
    const env = StreamEnvironment.create({ parallelism: 2, batchSize: 7 }).enableCheckpointing({ directory: dir });
    let seen = 0;
    let job: JobHandle | undefined;
    let stopping: ReturnType<JobHandle["stop"]> | undefined;
    run(env, asyncLog(all, false, 2), before, `parallel_${seed}`, () => {
      if (++seen === after) stopping = job!.stop({ savepoint: "p2" });
    });
    job = env.execute("p2");
    await job.done;
    const stop = await stopping!;
    assert.equal(stop.result.status, "finished");
    const afterOut = sinks.collect<string>();
    const resumed = StreamEnvironment.create({ parallelism: 2, batchSize: 7 }).enableCheckpointing({ directory: dir });
    run(resumed, asyncLog(all, true, 2), afterOut, `parallel_${seed}`);
    await resumed.execute("p2-resumed", { restoreFrom: "p2" }).wait();
    assert.deepEqual(sorted([...before.values, ...afterOut.values]), sorted(expected.values), `seed ${seed}, stop after ${after}`);
    const rows = async (t: string) => (await db.run(`select page, n from ${t} order by all`)).values.map((r) => JSON.stringify(r));
    assert.deepEqual(await rows(`parallel_${seed}`), await rows("parallel_reference"));
  }
  db.close();
});
