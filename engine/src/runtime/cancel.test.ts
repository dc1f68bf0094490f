/**
 * Cancel while a source read is in flight ends the job `cancelled`, never `failed`: errors of a poll
 * that settles after cancel (a file closed under its read) are consequences of the cancel.
 * SLUICE_CANCEL_ROUNDS=200 runs more rounds (default 24 per test).
 */
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { FileSource } from "../connectors/file/FileSource.js";
import { rngFor } from "../connectors/datagen/random.js";
import { sinks } from "../sinks/sinks.js";
import type { JobHandle } from "./JobHandle.js";
import type { Sink } from "../sinks/Sink.js";
import { TestSource } from "../testing/TestSource.js";

const ROUNDS = Number(process.env.SLUICE_CANCEL_ROUNDS ?? 24);
const LINES = 40_000;

async function bigFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sluice-cancel-"));
  const path = join(dir, "events.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++) lines.push(JSON.stringify({ i, page: `/p${i % 13}`, pad: "x".repeat(40) }));
  await writeFile(path, lines.join("\n") + "\n");
  return path;
}

/** Runs a file → map → sink job and, once `after` records reached the sink, calls `stop` on it. */
async function runAndInterrupt(path: string, after: number, batchSize: number, stop: (job: JobHandle) => Promise<unknown>, checkpointDir?: string) {
  const env = StreamEnvironment.create({ batchSize });
  if (checkpointDir !== undefined) env.enableCheckpointing({ directory: checkpointDir });
  let seen = 0;
  let stopping: Promise<unknown> | undefined;
  let job: JobHandle | undefined;
  env
    .fromSource(FileSource.jsonLines<{ i: number }>(path))
    .map((e) => e.i)
    .sinkTo(
      sinks.callback<number>((values) => {
        seen += values.length;
        if (stopping === undefined && seen >= after) stopping = stop(job!);
      }),
    );
  job = env.execute("cancel-mid-read");
  const result = await job.done;
  await stopping;
  return result;
}

test("cancel while a file read is in flight ends the job cancelled, not failed", async () => {
  const path = await bigFile();
  for (let round = 0; round < ROUNDS; round++) {
    const rng = rngFor(11, round);
    const after = 1 + Math.floor(rng() * LINES * 0.9);
    const batchSize = [1024, 100, 1024, 7][round % 4]!;
    const result = await runAndInterrupt(path, after, batchSize, (job) => job.cancel());
    assert.equal(result.status, "cancelled", `round ${round} (cancel after ${after}, batch ${batchSize}): ${result.error?.message}`);
  }
});

test("savepoint then cancel while reads are in flight ends the job cancelled", async () => {
  const path = await bigFile();
  const checkpoints = await mkdtemp(join(tmpdir(), "sluice-cancel-sp-"));
  for (let round = 0; round < ROUNDS; round++) {
    const rng = rngFor(12, round);
    const after = 1 + Math.floor(rng() * LINES * 0.9);
    const batchSize = [1024, 100, 1024, 7][round % 4]!;
    let savepointError: unknown;
    const result = await runAndInterrupt(
      path,
      after,
      batchSize,
      async (job) => {
        await job.savepoint(`sp-${round}`).catch((error: unknown) => (savepointError = error));
        await job.cancel();
      },
      checkpoints,
    );
    assert.equal(result.status, "cancelled", `round ${round} (after ${after}, batch ${batchSize}): ${result.error?.message}`);
    // The file may end before the savepoint completes; otherwise it must have been taken.
    if (savepointError !== undefined) assert.match((savepointError as Error).message, /finished|ended/);
  }
});

test("cancel ends the job cancelled even when a sink's close throws (reported, not a failure)", async () => {
  const env = StreamEnvironment.create();
  const source = new TestSource<number>();
  const sink: Sink<number> = {
    name: "close-throws",
    createWriter: () => ({
      write: () => {},
      close: () => {
        throw new Error("connection already closed");
      },
    }),
  };
  env.fromSource(source).sinkTo(sink);
  const job = env.execute("close throws");
  source.push(1);
  await job.whenIdle();
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args.join(" "));
  try {
    const result = await job.cancel();
    assert.equal(result.status, "cancelled", result.error?.message);
  } finally {
    console.warn = warn;
  }
  assert.match(warned.join("\n"), /cancelled; then closing close-throws failed: connection already closed/);
});
