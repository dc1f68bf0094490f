/**
 * Restoring a source at another parallelism (`Source.mergePositions`): through the engine with an
 * in-memory log of partitions whose positions are keyed by partition (as Kafka's are), 2 -> 3 -> 1
 * subtasks read every record exactly once; a source without the hook is still refused; and the
 * merged snapshot's `finished` and watermark follow the old subtasks'.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { RestartStrategies } from "../runtime/restart/RestartStrategies.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Source, SourcePoll, SourceReader, SourceReaderContext } from "../connectors/Source.js";
import { CheckpointError } from "../errors/errors.js";
import { sinks } from "../sinks/sinks.js";
import { MAX_WATERMARK } from "../time/Watermark.js";
import type { CheckpointData, SubtaskCheckpoint } from "./CheckpointData.js";
import { FileCheckpointStorage } from "./CheckpointStorage.js";
import { rescaledSource } from "./restoreTasks.js";

interface Rec {
  partition: number;
  offset: number;
}

/** Next offset per partition ("0", "1", ...), only for the partitions a reader owns. */
type LogPosition = Record<string, number>;

/**
 * Partitions of records `{ partition, offset }`; subtask s of p reads the partitions with
 * `partition % p === s`. Readers wait for appends until `end()`.
 */
class PartitionedLog implements Source<Rec> {
  readonly name = "partitioned-log";
  readonly bounded = false;
  readonly mergePositions?: (positions: readonly unknown[]) => unknown;
  private readonly sizes: number[];
  private ended = false;
  private waiters: (() => void)[] = [];

  constructor(partitions: number, mergeable: boolean) {
    this.sizes = new Array<number>(partitions).fill(0);
    if (mergeable) this.mergePositions = (positions) => Object.assign({}, ...(positions as LogPosition[]));
  }

  append(counts: readonly number[]): void {
    counts.forEach((n, p) => (this.sizes[p]! += n));
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  createReader(ctx: SourceReaderContext): SourceReader<Rec> {
    const mine = this.sizes.map((_, p) => p).filter((p) => p % ctx.parallelism === ctx.subtask);
    let next: LogPosition = {};
    const take = (max: number): SourcePoll<Rec> => {
      const values: Rec[] = [];
      for (const p of mine) {
        while (values.length < max && (next[p] ?? 0) < this.sizes[p]!) values.push({ partition: p, offset: (next[p] = (next[p] ?? 0) + 1) - 1 });
      }
      return { values, end: this.ended && mine.every((p) => (next[p] ?? 0) >= this.sizes[p]!) };
    };
    return {
      poll: (max) => {
        const batch = take(max);
        if (batch.values.length > 0 || batch.end === true) return batch;
        return new Promise((resolve) => this.waiters.push(() => resolve(take(max))));
      },
      // Only owned partitions: a merge must not see another subtask's stale offsets.
      snapshotPosition: () => Object.fromEntries(mine.map((p) => [String(p), next[p] ?? 0])),
      restorePosition: (position) => {
        next = { ...(position as LogPosition) };
      },
    };
  }
}

const key = (r: Rec) => `${r.partition}#${r.offset}`;
const sum = (batches: readonly number[][]) => batches.reduce((total, b) => total.map((n, p) => n + b[p]!));
const everything = (sizes: readonly number[]) => sizes.flatMap((n, partition) => Array.from({ length: n }, (_, offset) => key({ partition, offset }))).sort();

function pipeline(log: PartitionedLog, parallelism: number, dir: string) {
  const env = StreamEnvironment.create({ parallelism }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  const out = sinks.collect<Rec>();
  // One sink subtask: only the source changes parallelism here.
  env.fromSource(log).uid("log").sinkTo(out).uid("out").setParallelism(1);
  return { env, out };
}

test("a source with mergePositions is restored at 3 and then 1 subtasks, each record read exactly once", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-rescale-"));
  try {
    const log = new PartitionedLog(5, true);
    const seen: Rec[] = [];
    const batches = [
      [4, 7, 2, 9, 5],
      [3, 0, 6, 1, 2],
      [1, 5, 0, 3, 2],
    ];
    for (const [run, parallelism] of [2, 3, 1].entries()) {
      log.append(batches[run]!);
      const { env, out } = pipeline(log, parallelism, dir);
      if (run === 2) log.end();
      const job = env.execute(`p${parallelism}`, run === 0 ? {} : { restoreFrom: "latest" });
      if (run < 2) {
        await job.whenIdle();
        if (job.status !== "running") assert.fail(`run at parallelism ${parallelism}: ${String((await job.done).error)}`);
        await job.checkpoint();
        await job.cancel();
      } else {
        assert.equal((await job.done).status, "finished");
      }
      const before = new Set(seen.map(key));
      const want = everything(sum(batches.slice(0, run + 1))).filter((k) => !before.has(k));
      assert.deepEqual(out.values.map(key).sort(), want, `run ${run} at parallelism ${parallelism} reads exactly what the checkpoint left`);
      seen.push(...out.values);
    }
    assert.deepEqual(seen.map(key).sort(), everything(sum(batches)), "every record once over the three runs");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a source without mergePositions still cannot change parallelism", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-rescale-"));
  try {
    const log = new PartitionedLog(4, false);
    log.append([2, 2, 2, 2]);
    const first = pipeline(log, 2, dir).env.execute("p2");
    await first.whenIdle();
    await first.checkpoint();
    await first.cancel();
    const result = await pipeline(log, 3, dir).env.execute("p3", { restoreFrom: "latest" }).done;
    assert.equal(result.status, "failed");
    assert.ok(result.error instanceof CheckpointError, String(result.error));
    assert.match(result.error.message, /had parallelism 2 in the checkpoint and 3 now/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** A checkpoint of the log source at parallelism 2, written as the coordinator would. */
async function checkpointOf(dir: string, subtasks: SubtaskCheckpoint[]): Promise<void> {
  const data: CheckpointData = {
    version: 1,
    job: "old",
    id: 1,
    kind: "checkpoint",
    completedAt: 0,
    operators: [{ uid: "log", name: "partitioned-log", kind: "source", parallelism: 2, maxParallelism: 128, subtasks }],
  };
  await new FileCheckpointStorage(dir).write(data);
}

test("restored at another parallelism: all old subtasks finished ends at once, some finished reads from the merged position", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-rescale-"));
  try {
    const log = new PartitionedLog(5, true);
    log.append([6, 7, 2, 9, 5]);
    log.end();
    await checkpointOf(dir, [
      { position: { 0: 4, 2: 2, 4: 5 }, watermark: MAX_WATERMARK, finished: true },
      { position: { 1: 7, 3: 9 }, watermark: MAX_WATERMARK, finished: true },
    ]);
    const done = pipeline(log, 3, dir);
    assert.equal((await done.env.execute("all-finished", { restoreFrom: "latest" }).done).status, "finished");
    assert.deepEqual(done.out.values, [], "nothing read, although partition 0 has records after the old subtask's end");

    // Subtask 0 finished at the end it saw then (partition 0 grew since); subtask 1 was mid-way.
    await checkpointOf(dir, [
      { position: { 0: 4, 2: 2, 4: 5 }, watermark: MAX_WATERMARK, finished: true },
      { position: { 1: 3, 3: 1 }, watermark: 1_000, finished: false },
    ]);
    const some = pipeline(log, 3, dir);
    assert.equal((await some.env.execute("some-finished", { restoreFrom: "latest" }).done).status, "finished");
    const want = ["0#4", "0#5", ...[3, 4, 5, 6].map((o) => `1#${o}`), ...[1, 2, 3, 4, 5, 6, 7, 8].map((o) => `3#${o}`)].sort();
    assert.deepEqual(some.out.values.map(key).sort(), want);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a subtask restored as finished keeps its position in later checkpoints, so rescaling after them reads nothing twice", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-rescale-"));
  try {
    const log = new PartitionedLog(5, true);
    log.append([6, 7, 2, 9, 5]);
    // Subtask 0 (partitions 0, 2, 4) had finished; subtask 1 (1, 3) was mid-way.
    await checkpointOf(dir, [
      { position: { 0: 6, 2: 2, 4: 5 }, watermark: MAX_WATERMARK, finished: true },
      { position: { 1: 3, 3: 1 }, watermark: 1_000, finished: false },
    ]);
    const same = pipeline(log, 2, dir);
    const running = same.env.execute("same-parallelism", { restoreFrom: "latest" });
    await running.whenIdle();
    await running.checkpoint(); // subtask 0 is finished here: it must still hand in its position
    await running.cancel();
    log.end();
    const rescaled = pipeline(log, 3, dir);
    assert.equal((await rescaled.env.execute("rescaled", { restoreFrom: "latest" }).done).status, "finished");
    const all = [...same.out.values, ...rescaled.out.values].map(key).sort();
    const want = [...[3, 4, 5, 6].map((o) => `1#${o}`), ...[1, 2, 3, 4, 5, 6, 7, 8].map((o) => `3#${o}`)].sort();
    assert.deepEqual(all, want, "only what the first checkpoint left, once");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the merged snapshot: lowest watermark, finished only if all were, merge failures as CheckpointError", () => {
  const log = new PartitionedLog(3, true);
  const where = { job: "j", operator: "partitioned-log" };
  assert.deepEqual(
    rescaledSource(
      log,
      [
        { position: { 0: 2 }, watermark: MAX_WATERMARK, finished: true },
        { position: { 1: 5 }, watermark: 1_000, finished: false },
        { watermark: 2_000, finished: false },
      ],
      where,
    ),
    { position: { 0: 2, 1: 5 }, watermark: 1_000, finished: false },
  );
  assert.deepEqual(
    rescaledSource(
      log,
      [
        { position: { 0: 2 }, watermark: MAX_WATERMARK, finished: true },
        { position: { 1: 3 }, watermark: MAX_WATERMARK, finished: true },
      ],
      where,
    ),
    { position: { 0: 2, 1: 3 }, watermark: MAX_WATERMARK, finished: true },
    "all finished: ends at once, keeping the merged position for later checkpoints",
  );
  const failing: Source<unknown> = {
    name: "x",
    bounded: false,
    createReader: () => ({ poll: () => ({ values: [] }) }),
    mergePositions: () => {
      throw new Error("positions of another source");
    },
  };
  assert.throws(
    () => rescaledSource(failing, [{ position: 1, watermark: 0, finished: false }], where),
    (error: unknown) =>
      error instanceof CheckpointError && /could not merge the positions of its 1 checkpointed subtasks: positions of another source/.test(error.message) && error.context.job === "j",
  );
});
