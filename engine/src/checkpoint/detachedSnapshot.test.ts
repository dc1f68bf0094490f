import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { KeyedProcessFunction } from "../api/keyedFunctions.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { sinks } from "../sinks/sinks.js";
import type { ValueState } from "../state/State.js";
import { tempDir } from "../testing/tempDir.js";
import { decodeCheckpoint } from "./codec.js";
import type { CheckpointData } from "./CheckpointData.js";

/**
 * A function that changes the object its state holds without calling update() (as Flink's heap
 * backend allows: its copy-on-write state table copies an entry a snapshot still shares). Records
 * after the barrier must not reach the checkpoint that barrier took, though it is written only once
 * every subtask acknowledged (the sink's barrier comes later, the file write awaits I/O).
 */
test("a checkpoint holds the state as of its barrier, though the function mutates its state object in place afterwards", async () => {
  const dir = tempDir("sluice-detached-");
  const keys = 8;
  const records = 300_000;
  const env = StreamEnvironment.create().enableCheckpointing({ directory: dir, interval: 2, retain: 10_000 });
  type Fn = KeyedProcessFunction<number, number, number> & { seen?: ValueState<{ n: number }> };
  const fn: Fn = {
    open(rc) {
      this.seen = rc.getState<{ n: number }>("seen");
    },
    processElement(x, _ctx, out) {
      const seen = this.seen!.value();
      if (seen === undefined) this.seen!.update({ n: 1 });
      else seen.n++; // in place: the state still holds this object
      out.collect(x);
    },
  };
  env
    .fromArray(Array.from({ length: records }, (_, i) => i))
    .keyBy((x) => x % keys)
    .process(fn)
    .name("counter")
    .sinkTo(sinks.callback<number>(() => {}));
  const result = await env.execute("in-place state").wait();
  assert.equal(result.status, "finished");
  const files = (await readdir(dir)).filter((f) => f.startsWith("chk-"));
  assert.ok(files.length >= 2, `only ${files.length} checkpoints were taken`);
  for (const file of files) {
    const data = decodeCheckpoint(await readFile(join(dir, file), "utf8")) as CheckpointData;
    const source = data.operators[0]!.subtasks[0]!;
    const counter = data.operators.find((o) => o.name === "counter")!.subtasks[0]!;
    const consumed = JSON.stringify(source);
    const counted = JSON.stringify(counter);
    assert.equal(
      sum(counted),
      offset(consumed),
      `${file}: the counts in the state must equal the records the source had emitted at the barrier\nsource: ${consumed.slice(0, 300)}\ncounter: ${counted.slice(0, 300)}`,
    );
  }
});

function sum(json: string): number {
  return [...json.matchAll(/"n":(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
}
function offset(json: string): number {
  return Number(/"(?:offset|position|next|index)":(\d+)/.exec(json)?.[1] ?? Number.NaN);
}
