import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { CheckpointError } from "../errors/errors.js";
import { sinks } from "../sinks/sinks.js";

/** Runs `body` with console.warn captured. */
async function warnings<T>(body: () => Promise<T>): Promise<{ value: T; warned: string[] }> {
  const warned: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(" "));
  try {
    return { value: await body(), warned };
  } finally {
    console.warn = original;
  }
}

test('restoreFrom: "latest" with no checkpoint yet starts from scratch and says so', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), "sluice-latest-")), "not-yet-created");
  const out = sinks.collect<number>();
  const env = StreamEnvironment.create().enableCheckpointing({ directory: dir });
  env
    .fromArray([1, 2, 3])
    .map((x) => x * 10)
    .sinkTo(out);
  const { value: result, warned } = await warnings(() => env.execute("first run", { restoreFrom: "latest" }).wait());
  assert.equal(result.status, "finished");
  assert.deepEqual(out.values, [10, 20, 30]);
  assert.equal(result.metrics.checkpoints.restoredFrom, undefined);
  assert.match(result.metrics.checkpoints.restoreNotice ?? "", /no checkpoint in .*not-yet-created yet, so restoreFrom: "latest" starts from scratch/);
  assert.deepEqual(warned, [result.metrics.checkpoints.restoreNotice]);
});

test("a savepoint name that does not exist is still an error", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-latest-"));
  const env = StreamEnvironment.create().enableCheckpointing({ directory: dir });
  env.fromArray([1]).sinkTo(sinks.collect<number>());
  const result = await env.execute("missing", { restoreFrom: "nope" }).done;
  assert.equal(result.status, "failed");
  assert.ok(result.error instanceof CheckpointError);
});
