/**
 * `executeModule` from a `.ts` file written beside a "notebook" (a temp folder, as a cell would write
 * it): compiled once for the worker threads (no type stripping needed, so this runs on Node 20), its
 * `import … from "sluice"` bound to this engine, and at parallelism 2 it gives parallelism 1's counts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { CollectSink } from "../sinks/MemorySinks.js";
import { sinks } from "../sinks/sinks.js";
import { workerStats } from "../runtime/workers/WorkerPool.js";
import { executeModule } from "./executeModule.js";
import { StreamEnvironment } from "./StreamEnvironment.js";

const WORDCOUNT = `
import { sinks, type StreamEnvironment } from "sluice";

export interface Args { n: number }

export function wordCount(env: StreamEnvironment, args: Args) {
  const words: string[] = [];
  for (let i = 0; i < args.n; i++) words.push(\`w\${(i * 7919) % 13}\`);
  const counts = sinks.collect<[string, number]>();
  env.fromArray(words).setParallelism(1).map((w): [string, number] => [w, 1]).keyBy((t) => t[0]).sum(1).sinkTo(counts).setParallelism(1);
  return { counts };
}
`;

type Declared = { counts: CollectSink<[string, number]> };

/** Line 11 throws in the job, line 8 while declaring it (the interface and the type-only import are gone from the compiled JavaScript, so its lines differ). */
const THROWS = `import { sinks, type StreamEnvironment } from "sluice";

interface Args {
  at: number;
}

export function failing(env: StreamEnvironment, args: Args) {
  if (args.at === 0) throw new Error("nothing to fail at");
  env.fromArray([1, 2, 3]).setParallelism(1).map((x: number): number => {
    if (x === args.at) {
      throw new Error(\`no \${x}\`);
    }
    return x;
  }).sinkTo(sinks.collect<number>()).setParallelism(1);
  return {};
}
`;

test("a job in a .ts module beside the notebook runs at parallelism 2 on worker threads and counts as at parallelism 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-notebook-"));
  const cwd = process.cwd();
  try {
    writeFileSync(join(dir, "wordcount.ts"), WORDCOUNT);
    process.chdir(dir); // a kernel's working directory is the notebook's folder
    const final = async (parallelism: number) => {
      const { job, declared } = await executeModule<Declared, { n: number }>("./wordcount.ts", "wordCount", { parallelism, args: { n: 2000 } });
      await job.wait();
      const last = new Map(declared.counts.values);
      return { job, counts: [...last].sort() };
    };
    const one = await final(1);
    assert.deepEqual(one.job.threads, { parallelism: 1, workers: 0 });
    assert.equal(
      one.counts.reduce((a, [, c]) => a + c, 0),
      2000,
    );
    const jobs = workerStats().jobs;
    const two = await final(2);
    assert.equal(workerStats().jobs, jobs + 1, "ran on worker threads");
    assert.deepEqual(two.job.threads, { parallelism: 2, workers: Math.min(2, availableParallelism()) });
    assert.deepEqual(two.job.warnings, []);
    assert.equal(two.job.name, "wordCount");
    assert.deepEqual(two.counts, one.counts);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an error thrown in a .ts module names the .ts file and its line, on the main thread and on worker threads", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-notebook-"));
  try {
    const file = join(dir, "throws.ts");
    writeFileSync(file, THROWS);
    for (const parallelism of [1, 2]) {
      const { job } = await executeModule(file, "failing", { parallelism, args: { at: 2 } });
      const error = await job.wait().then(
        () => assert.fail("the job should fail"),
        (e: unknown) => e as Error,
      );
      assert.ok(error.cause instanceof Error, `p=${parallelism}: ${error.message}`);
      assert.match(error.cause.stack ?? "", /throws\.ts:11:\d+\)?\n/, `p=${parallelism}: the user's frame is ${error.cause.stack}`);
      assert.doesNotMatch(error.cause.stack ?? "", /\.mjs:/, `p=${parallelism}`);
    }
    await assert.rejects(executeModule(file, "failing", { args: { at: 0 } }), (e: Error) => /throws\.ts:8:\d+\)?\n/.test(e.stack ?? ""));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a job declared in place at parallelism 2 runs on one thread and says why", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 });
  env
    .fromArray([1, 2, 3])
    .map((x) => x * 2)
    .sinkTo(sinks.collect<number>());
  const job = env.execute("in place");
  await job.wait();
  assert.deepEqual(job.threads, { parallelism: 2, workers: 0 });
  assert.match(job.warnings.join("\n"), /parallelism 2 runs on one thread: a job declared in a cell cannot move to worker threads .* executeModule\(\)/);
});
