/**
 * The position a checkpoint barrier records is the reader's position from before any poll still in
 * flight (issue 13): a reader, or a wrapper around it such as a rate limiter with one extra
 * `await`, may advance its position inside `poll`, and a barrier that goes out before that poll's
 * records are emitted must not count them as read.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { arraySource } from "../connectors/collection/CollectionSources.js";
import type { Source, SourcePoll } from "../connectors/Source.js";
import { FileCheckpointStorage } from "../checkpoint/CheckpointStorage.js";
import { sinks } from "../sinks/sinks.js";

const VALUES = Array.from({ length: 100 }, (_, i) => i);
const BATCH = 10;

/** A rate-limiter-style wrapper: poll the reader, then wait (here: until the test opens the gate) before handing the records over. */
function gated(source: Source<number>, gate: { atPoll: number; started?: () => void; wait?: Promise<void> }): Source<number> {
  return {
    ...source,
    createReader(ctx) {
      const inner = source.createReader(ctx);
      let polls = 0;
      return {
        ...inner,
        async poll(max): Promise<SourcePoll<number>> {
          const result = await inner.poll(max); // the inner reader has advanced its position here
          if (++polls === gate.atPoll && gate.wait !== undefined) {
            gate.started?.();
            await gate.wait;
          }
          return result;
        },
      };
    },
  };
}

async function run(dir: string, gate: { atPoll: number; wait?: Promise<void>; started?: () => void }, during?: (job: ReturnType<StreamEnvironment["execute"]>) => Promise<void>, restoreFrom?: string) {
  const env = StreamEnvironment.create({ batchSize: BATCH }).enableCheckpointing({ directory: dir });
  const out = sinks.collect<number>();
  env
    .fromSource(gated(arraySource(VALUES, "numbers"), gate))
    .uid("numbers")
    .sinkTo(out)
    .uid("out");
  const job = env.execute("rate limited", restoreFrom === undefined ? {} : { restoreFrom });
  await during?.(job);
  await job.wait();
  return out.values;
}

/** Records the sink had received when the barrier of savepoint `name` reached it (its snapshot is the collect sink's length). */
async function cutAt(dir: string, name: string): Promise<number> {
  const data = await new FileCheckpointStorage(dir).load(name);
  return data.operators.find((o) => o.uid === "out")!.subtasks[0]!.state as number;
}

test("a barrier during a poll held by a wrapper's extra await records the position before that poll", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-pos-"));
  try {
    let open!: () => void;
    let started!: () => void;
    const pollHeld = new Promise<void>((resolve) => (started = resolve));
    const gate = { atPoll: 3, started, wait: new Promise<void>((resolve) => (open = resolve)) };
    const first = await run(dir, gate, async (job) => {
      await pollHeld; // the third poll took records 20..29 and waits in the wrapper
      await job.savepoint("held"); // its barrier goes out meanwhile, and the savepoint completes
      open();
    });
    assert.deepEqual(first, VALUES);
    const cut = await cutAt(dir, "held");
    assert.equal(cut, 20, "the barrier went out after the first two polls' records");
    const restored = await run(dir, { atPoll: 0 }, undefined, "held");
    assert.deepEqual([...first.slice(0, cut), ...restored], VALUES, "records before the barrier plus the restored run's are the input, once each");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a barrier that arrives with a poll's result not yet emitted records the position before that poll", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-pos-"));
  try {
    let open!: () => void;
    let started!: () => void;
    const pollHeld = new Promise<void>((resolve) => (started = resolve));
    const gate = { atPoll: 5, started, wait: new Promise<void>((resolve) => (open = resolve)) };
    const first = await run(dir, gate, async (job) => {
      await pollHeld;
      await job.whenIdle(); // the scheduler sleeps, waiting for the held poll
      open(); // queues the result's delivery to the task...
      await job.savepoint("ready"); // ...and then the barrier's injection, both before the task's next turn
    });
    assert.deepEqual(first, VALUES);
    const cut = await cutAt(dir, "ready");
    const restored = await run(dir, { atPoll: 0 }, undefined, "ready");
    assert.deepEqual([...first.slice(0, cut), ...restored], VALUES);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
