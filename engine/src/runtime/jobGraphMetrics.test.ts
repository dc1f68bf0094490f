import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { RestartStrategies } from "./restart/RestartStrategies.js";
import { sinks } from "../sinks/sinks.js";

/** What a job card draws: edges, back-pressure and checkpoint history from `job.metrics()`. */

function* naturals(): Generator<number> {
  for (let i = 0; ; i++) yield i;
}

test("a slow sink shows its upstream operators as back-pressured, and the sink itself not", async () => {
  const env = StreamEnvironment.create({ batchSize: 16, channelCapacity: 32 });
  let writes = 0;
  let release: () => void = () => {};
  const enough = new Promise<void>((resolve) => (release = resolve));
  env
    .fromIterable(naturals(), "numbers")
    .map((x) => x + 1)
    .name("plus one")
    .sinkTo(
      sinks.callback<number>(async () => {
        if (++writes === 10) release();
        await new Promise((r) => setTimeout(r, 5));
      }),
    );
  const job = env.execute("slow sink");
  await enough;
  const m = job.metrics();
  const byName = (n: string) => m.operators.find((o) => o.name === n)!;
  assert.equal(byName("numbers").backPressuredSubtasks, 1, JSON.stringify(m.operators));
  assert.equal(byName("plus one").backPressuredSubtasks, 1);
  assert.equal(m.operators.find((o) => o.kind === "sink")!.backPressuredSubtasks, 0);
  assert.deepEqual(byName("plus one").inputs, [{ from: byName("numbers").id, partitioning: "forward" }]);
  await job.cancel();
});

test("a fast sink leaves nothing back-pressured; keyBy edges are hash", async () => {
  const env = StreamEnvironment.create();
  env
    .fromElements(1, 2, 3, 4)
    .keyBy((x) => x % 2)
    .reduce((a, b) => a + b)
    .sinkTo(sinks.callback<number>(() => {}));
  const job = env.execute("fast");
  await job.wait();
  const m = job.metrics();
  assert.ok(m.operators.every((o) => o.backPressuredSubtasks === 0));
  const reduce = m.operators.find((o) => o.inputs.some((i) => i.partitioning === "hash"));
  assert.ok(reduce, JSON.stringify(m.operators.map((o) => o.inputs)));
});

test("checkpoint history lists each checkpoint and savepoint with id, kind, status and duration", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-history-"));
  try {
    const env = StreamEnvironment.create().setRestartStrategy(RestartStrategies.noRestart()).enableCheckpointing({ directory: dir });
    let running: () => void = () => {};
    const flowing = new Promise<void>((resolve) => (running = resolve));
    env.fromIterable(naturals()).sinkTo(
      sinks.callback<number>(() => {
        running();
        return new Promise((r) => setTimeout(r, 1));
      }),
    );
    const job = env.execute("history");
    await flowing;
    const first = await job.checkpoint();
    const second = await job.savepoint("sp");
    const history = job.metrics().checkpoints.history ?? [];
    assert.deepEqual(
      history.map((h) => [h.id, h.kind, h.status]),
      [
        [first.id, "checkpoint", "completed"],
        [second.id, "savepoint", "completed"],
      ],
    );
    assert.ok(history.every((h) => h.durationMs !== undefined && h.durationMs >= 0 && h.path !== undefined));
    const { size } = await stat(history[1]?.path ?? "");
    assert.equal(history[1]?.sizeBytes, size, "the savepoint's size is its file's");
    await job.cancel();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("env.explain() plans the pending job without starting it; execute() then runs the same graph", async () => {
  const env = StreamEnvironment.create();
  const out = sinks.collect<number>();
  env
    .fromElements(1, 2, 3)
    .map((x) => x * 2)
    .name("double")
    .sinkTo(out);
  const plan = env.explain("doubles");
  assert.deepEqual(
    plan.operators.map((o) => o.name),
    ["fromElements", "double", "collect"],
  );
  assert.match(plan.text, /^== Job doubles ==\n\[\d+\] fromElements, parallelism=1\n\[\d+\] double, parallelism=1 <- \[\d+\]\n/);
  assert.equal(plan.svg.match(/<g class="operator"/g)?.length, plan.operators.length);
  assert.equal(plan.svg.match(/class="chain"/g)?.length, 1, "source, map and sink chain as Flink chains them");
  const display = (plan as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!();
  assert.equal(display["image/svg+xml"], plan.svg);
  assert.equal(env.jobs.length, 0, "explain started a job");
  await env.execute("doubles").wait();
  assert.deepEqual(out.values, [2, 4, 6]);
});
