import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { RestartStrategies } from "../runtime/restart/RestartStrategies.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Sink, SinkWriter } from "../sinks/Sink.js";
import { TestSource } from "../testing/TestSource.js";
import { tempDir } from "../testing/tempDir.js";

/**
 * A fake transactional system: transactions get values, are prepared, and become visible only when
 * committed. Committing twice is a no-op (so recovery can be idempotent), as for Kafka's EndTxn.
 */
class FakeBroker {
  readonly open = new Map<string, number[]>();
  readonly committed = new Map<string, number[]>();
  readonly log: string[] = [];
  /** Makes `commit` of this checkpoint throw, as a crash between checkpoint and commit would. */
  failCommitOf: number | undefined;
  visible(): number[] {
    return [...this.committed.values()].flat().sort((a, b) => a - b);
  }
  commitTxn(txn: string): void {
    const values = this.open.get(txn);
    if (values === undefined) return; // already committed (or never existed): idempotent
    this.open.delete(txn);
    this.committed.set(txn, values);
  }
}

interface Committable {
  txns: string[];
}

let runs = 0;
function fakeSink(broker: FakeBroker, checkpoints: string): Sink<number> {
  const run = ++runs;
  return {
    name: "fake-2pc",
    createWriter(ctx): SinkWriter<number> {
      let seq = 0;
      let current: string | undefined;
      const prepared: { checkpointId: number; txns: string[] }[] = [];
      let carried: string[] = [];
      return {
        write(values) {
          current ??= `r${run}-s${ctx.subtask}-t${++seq}`;
          broker.open.set(current, [...(broker.open.get(current) ?? []), ...values]);
        },
        prepareCommit(checkpointId) {
          const txns = [...carried, ...(current === undefined ? [] : [current])];
          carried = [];
          current = undefined;
          prepared.push({ checkpointId, txns });
          broker.log.push(`prepare ${checkpointId}`);
          // Subtask 1 prepares asynchronously, so both paths of the runtime are covered.
          const committable: Committable = { txns };
          return ctx.subtask === 1 ? new Promise((resolve) => setTimeout(() => resolve(committable), 5)) : committable;
        },
        async commit(checkpointId) {
          // The checkpoint must be durable before anything becomes visible.
          const files = await readdir(checkpoints);
          assert.ok(files.includes(`chk-${String(checkpointId).padStart(6, "0")}.json`), `checkpoint ${checkpointId} written before its commit`);
          broker.log.push(`commit ${checkpointId}`);
          if (broker.failCommitOf === checkpointId) throw new Error("crash before commit");
          while (prepared.length > 0 && prepared[0]!.checkpointId <= checkpointId) for (const t of prepared.shift()!.txns) broker.commitTxn(t);
        },
        checkpointAborted(checkpointId) {
          broker.log.push(`aborted ${checkpointId}`);
          const i = prepared.findIndex((p) => p.checkpointId === checkpointId);
          if (i >= 0) carried = [...carried, ...prepared.splice(i, 1)[0]!.txns];
        },
        flush() {
          // End of input commits nothing here: the engine's final checkpoint prepares and commits the tail.
          broker.log.push("flush");
        },
        abort() {
          broker.log.push("abort");
          // Drop what no checkpoint prepared; prepared transactions wait for recovery (or a timeout).
          if (current !== undefined) broker.open.delete(current);
          for (const t of carried) broker.open.delete(t);
          current = undefined;
        },
        recoverCommittables(committables) {
          broker.log.push(`recover ${committables.length}`);
          for (const c of committables as Committable[]) for (const t of c.txns) broker.commitTxn(t);
        },
      };
    },
  };
}

function job(source: TestSource<number>, broker: FakeBroker, checkpoints: string, name: string, restore = false, sinkParallelism = 2) {
  const env = StreamEnvironment.create({ parallelism: 2, batchSize: 10 }).setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: checkpoints });
  env.fromSource(source).uid("src").sinkTo(fakeSink(broker, checkpoints)).uid("sink").setParallelism(sinkParallelism);
  return env.execute(name, restore ? { restoreFrom: "latest" } : {});
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

test("two-phase commit: output becomes visible only when its checkpoint completed; cancel aborts the rest", async () => {
  const dir = tempDir("sluice-2pc-");
  const broker = new FakeBroker();
  const source = new TestSource<number>();
  const running = job(source, broker, dir, "visible");
  source.push(...range(0, 100));
  await running.whenIdle();
  assert.deepEqual(broker.visible(), [], "nothing visible before a checkpoint");
  await running.checkpoint();
  assert.deepEqual(broker.visible(), range(0, 100));
  source.push(...range(100, 150));
  await running.whenIdle();
  assert.deepEqual(broker.visible(), range(0, 100), "written after the checkpoint: not visible yet");
  await running.cancel();
  assert.deepEqual(broker.visible(), range(0, 100));
  assert.equal(broker.open.size, 0, "cancel aborted the open transactions");
  assert.deepEqual(broker.log, ["prepare 1", "prepare 1", "commit 1", "commit 1", "abort", "abort"]);
});

test("two-phase commit: a failed checkpoint commits nothing; the next one commits its output too", async () => {
  const dir = tempDir("sluice-2pc-");
  const broker = new FakeBroker();
  const source = new TestSource<number>();
  const running = job(source, broker, dir, "failing");
  source.push(...range(0, 50));
  await running.whenIdle();
  await running.checkpoint();
  source.push(...range(50, 80));
  await running.whenIdle();
  // A directory where checkpoint 2's temporary file goes makes writing it fail.
  await mkdir(join(dir, `chk-000002.json.${process.pid}.tmp`));
  await assert.rejects(running.checkpoint(), /Writing checkpoint 2 failed/);
  assert.deepEqual(broker.visible(), range(0, 50), "no commit for the failed checkpoint");
  assert.ok(!broker.log.includes("commit 2"));
  assert.equal(broker.log.filter((l) => l === "aborted 2").length, 2);
  source.push(...range(80, 90));
  await running.whenIdle();
  const third = await running.checkpoint();
  assert.equal(third.id, 3);
  assert.deepEqual(broker.visible(), range(0, 90), "checkpoint 3 commits what checkpoint 2 prepared");
  source.end();
  const result = await running.wait();
  assert.equal(result.status, "finished");
});

test("two-phase commit: a restore re-commits the last completed checkpoint's committables, idempotently", async () => {
  const dir = tempDir("sluice-2pc-");
  const broker = new FakeBroker();
  const source = new TestSource<number>();
  const first = job(source, broker, dir, "crash");
  source.push(...range(0, 60));
  await first.whenIdle();
  await first.checkpoint();
  source.push(...range(60, 100));
  await first.whenIdle();
  broker.failCommitOf = 2; // the job dies after checkpoint 2 is durable, before its commit
  await first.checkpoint().catch(() => undefined);
  const crashed = await first.done;
  assert.equal(crashed.status, "failed");
  assert.match(crashed.error!.message, /crash before commit/);
  assert.ok(existsSync(join(dir, "chk-000002.json")));
  assert.deepEqual(broker.visible(), range(0, 60), "checkpoint 2's output is prepared but not visible");
  broker.failCommitOf = undefined;
  // Restore twice from the same checkpoint (e.g. a second crash right after recovery): still once.
  for (const attempt of [1, 2]) {
    const restored = job(source, broker, dir, `restore-${attempt}`, true);
    await restored.whenIdle();
    assert.deepEqual(broker.visible(), range(0, 100), `attempt ${attempt}: recovered exactly once`);
    await restored.cancel();
  }
  assert.equal(broker.log.filter((l) => l === "recover 1").length, 4, "each subtask recovered its own committable, on each restore");
  // And the restored job goes on from checkpoint 2's source position.
  const last = job(source, broker, dir, "restore-3", true);
  source.push(...range(100, 120));
  source.end();
  await last.wait();
  assert.deepEqual(broker.visible(), range(0, 120));
});

test("two-phase commit: commitBeforeCheckpointPublished commits before the checkpoint file appears; a failed commit publishes nothing", async () => {
  const dir = tempDir("sluice-2pc-");
  const log: string[] = [];
  let failCommit = false;
  const sink: Sink<number> = {
    name: "early",
    createWriter: (): SinkWriter<number> => ({
      commitBeforeCheckpointPublished: true,
      write: () => {},
      prepareCommit: (id) => ({ id }),
      commit: async (id) => {
        const files = await readdir(dir);
        log.push(`commit ${id} published=${files.includes(`chk-${String(id).padStart(6, "0")}.json`)}`);
        if (failCommit) throw new Error("commit refused");
      },
    }),
  };
  const source = new TestSource<number>();
  const env = StreamEnvironment.create().setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  env.fromSource(source).uid("src").sinkTo(sink).uid("sink");
  const running = env.execute("early");
  source.push(1, 2, 3);
  await running.whenIdle();
  await running.checkpoint();
  assert.deepEqual(log, ["commit 1 published=false"]);
  assert.ok(existsSync(join(dir, "chk-000001.json")));
  failCommit = true;
  await assert.rejects(running.checkpoint(), /Writing checkpoint 2 failed: commit refused/);
  assert.ok(!existsSync(join(dir, "chk-000002.json")), "not published");
  assert.deepEqual((await readdir(dir)).sort(), ["chk-000001.json"], "no temporary file left behind");
  const result = await running.done;
  assert.equal(result.status, "failed");
});

test("two-phase commit: after rescaling the sink, subtask 0 recovers every old subtask's committables", async () => {
  const dir = tempDir("sluice-2pc-");
  const broker = new FakeBroker();
  const source = new TestSource<number>();
  const first = job(source, broker, dir, "rescale");
  source.push(...range(0, 40));
  await first.whenIdle();
  broker.failCommitOf = 1;
  await first.checkpoint().catch(() => undefined);
  assert.equal((await first.done).status, "failed");
  assert.deepEqual(broker.visible(), []);
  broker.failCommitOf = undefined;
  const restored = job(source, broker, dir, "rescaled", true, 1);
  await restored.whenIdle();
  assert.deepEqual(broker.visible(), range(0, 40));
  assert.ok(broker.log.includes("recover 2"), "one subtask recovered both committables");
  await restored.cancel();
});

test("two-phase commit at end of input: a final checkpoint carries the tail and commits it; a crash before that commit is recovered once", async () => {
  const dir = tempDir("sluice-2pc-");
  const broker = new FakeBroker();
  const source = new TestSource<number>();
  const first = job(source, broker, dir, "final");
  source.push(...range(0, 30));
  await first.whenIdle();
  await first.checkpoint();
  source.push(...range(30, 50));
  source.end();
  await first.whenIdle();
  const done = await first.done;
  assert.equal(done.status, "finished");
  assert.deepEqual(broker.visible(), range(0, 50));
  assert.deepEqual(broker.log.slice(4).sort(), ["commit 2", "commit 2", "flush", "flush", "prepare 2", "prepare 2"], "the tail was prepared for checkpoint 2 after flush, then committed");
  assert.ok(broker.log.indexOf("flush") < broker.log.indexOf("prepare 2"));
  assert.equal(done.metrics.checkpoints.completed, 2, "the final checkpoint counts");

  // Same job again; this time the process "dies" after the final checkpoint is durable, before its commit.
  const dir2 = tempDir("sluice-2pc-");
  const broker2 = new FakeBroker();
  const source2 = new TestSource<number>();
  const second = job(source2, broker2, dir2, "final-crash");
  source2.push(...range(0, 30));
  await second.whenIdle();
  await second.checkpoint();
  source2.push(...range(30, 50));
  broker2.failCommitOf = 2;
  source2.end();
  const crashed = await second.done;
  assert.equal(crashed.status, "failed");
  assert.deepEqual(broker2.visible(), range(0, 30), "the tail is prepared, not visible");
  broker2.failCommitOf = undefined;
  // The restored job finds every task finished in checkpoint 2: it commits the tail and ends.
  const restored = job(source2, broker2, dir2, "final-restored", true);
  const result = await restored.wait();
  assert.equal(result.status, "finished");
  assert.deepEqual(broker2.visible(), range(0, 50), "the tail is visible exactly once");
});

test("two-phase commit at end of input without checkpointing: the tail is prepared and committed right after flush", async () => {
  const log: string[] = [];
  const sink: Sink<number> = {
    name: "no-checkpoints",
    createWriter: (): SinkWriter<number> => ({
      write: (values) => void log.push(`write ${values.join(",")}`),
      flush: () => void log.push("flush"),
      prepareCommit: (id) => (log.push(`prepare ${id}`), { id }),
      commit: (id) => void log.push(`commit ${id}`),
    }),
  };
  const env = StreamEnvironment.create();
  env.fromArray([1, 2, 3]).sinkTo(sink);
  const result = await env.execute("no-checkpoints").wait();
  assert.equal(result.status, "finished");
  assert.deepEqual(log, ["write 1,2,3", "flush", "prepare 0", "commit 0"]);
});

test("a checkpoint started while a sink is still flushing completes once the sink finished", async () => {
  const dir = tempDir("sluice-2pc-");
  let releaseFlush: () => void = () => {};
  const flushing = new Promise<void>((resolve) => (releaseFlush = resolve));
  let flushStarted: () => void = () => {};
  const flushCalled = new Promise<void>((resolve) => (flushStarted = resolve));
  const sink: Sink<number> = {
    name: "slow-flush",
    createWriter: (): SinkWriter<number> => ({
      write: () => {},
      flush: () => (flushStarted(), flushing),
    }),
  };
  const source = new TestSource<number>();
  const env = StreamEnvironment.create().setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
  env.fromSource(source).uid("src").sinkTo(sink).uid("sink");
  const running = env.execute("slow-flush");
  source.push(1, 2);
  source.end();
  await flushCalled;
  // The source finished and the sink's inputs ended: no barrier will reach the sink.
  const checkpoint = running.checkpoint();
  await new Promise((resolve) => setTimeout(resolve, 20)); // the checkpoint has started meanwhile
  releaseFlush();
  const metadata = await checkpoint;
  assert.ok(existsSync(metadata.path));
  assert.equal((await running.wait()).status, "finished");
});
