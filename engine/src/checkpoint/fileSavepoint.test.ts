/**
 * The jobs issue 13 lost records with, end to end at the default batch size: a savepoint taken at a
 * random moment of a file read (while a chunk is being fetched), the job cancelled, and a restored
 * job must complete the output file exactly as an uninterrupted run writes it.
 * - file source → map → file sink (lost tens to hundreds of lines);
 * - a RidesAndFares-style keyed connect over two JSON-lines files (lost pairs every time).
 * Five moments per job by default; SLUICE_CONFORMANCE_SEEDS=N for N.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { DataStream } from "../api/DataStream.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { FileSource } from "../connectors/file/FileSource.js";
import { sinks } from "../sinks/sinks.js";
import { seededRandom } from "../testing/chaosSource.js";
import { conformanceSeeds } from "../testing/sourceConformance.js";

const dir = await mkdtemp(join(tmpdir(), "sluice-file-sp-"));
after(() => rm(dir, { recursive: true, force: true }));
const RIDES = 12_000;
const rides = join(dir, "rides.jsonl");
const fares = join(dir, "fares.jsonl");
await writeFile(rides, Array.from({ length: RIDES }, (_, i) => JSON.stringify({ rideId: i, driver: `d${i % 97}`, start: 1_700_000_000_000 + i * 1000 })).join("\n") + "\n");
// Fares in another order than rides, so pairs wait in state for their other half.
await writeFile(fares, Array.from({ length: RIDES }, (_, i) => JSON.stringify({ rideId: (i * 7919) % RIDES, tip: i % 13, total: 10 + (i % 40) })).join("\n") + "\n");

interface Ride {
  rideId: number;
  driver: string;
  start: number;
}
interface Fare {
  rideId: number;
  tip: number;
  total: number;
}

/**
 * Runs `build`'s job to the end, or, with `cutAtRecord`, takes a savepoint when the record with that
 * number passes the map (the sources are then in the middle of their reads), cancels once it is
 * written, and restores a second job from it.
 */
async function runJob(name: string, out: string, build: (env: StreamEnvironment, tap: <T>(s: DataStream<T>) => DataStream<T>) => void, cutAtRecord?: number): Promise<string[]> {
  const checkpoints = join(dir, `${name}-checkpoints`);
  const first = StreamEnvironment.create().enableCheckpointing({ directory: checkpoints });
  let seen = 0;
  let savepoint: Promise<unknown> | undefined;
  const handle: { job?: ReturnType<StreamEnvironment["execute"]> } = {};
  build(first, (s) =>
    s
      .map((v) => {
        if (++seen === cutAtRecord) savepoint = handle.job!.savepoint("cut");
        return v;
      })
      .uid("tap"),
  );
  handle.job = first.execute(name);
  if (cutAtRecord === undefined) {
    await handle.job.wait();
  } else {
    while (savepoint === undefined && handle.job.result === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    assert.ok(savepoint !== undefined, "the job ended before the cut");
    await savepoint;
    await handle.job.cancel();
    const second = StreamEnvironment.create().enableCheckpointing({ directory: checkpoints });
    build(second, (s) => s.map((v) => v).uid("tap"));
    await second.execute(name, { restoreFrom: "cut" }).wait();
  }
  return (await readFile(out, "utf8")).split("\n").filter((l) => l !== "");
}

const sorted = (lines: string[]) => [...lines].sort();

/** "" when equal; else counts and the first difference (assert's own diff of 12,000 lines takes minutes). */
function difference(actual: readonly string[], expected: readonly string[]): string {
  const at = expected.findIndex((line, i) => actual[i] !== line);
  if (at < 0 && actual.length === expected.length) return "";
  return `${actual.length} lines where ${expected.length} were expected; first difference at line ${at < 0 ? expected.length : at}: ${actual[at] ?? "(none)"}`;
}

test("file source → map → file sink: a savepoint mid-read, cancel and restore give the uninterrupted output", async () => {
  const job = (out: string) => (env: StreamEnvironment, tap: <T>(s: DataStream<T>) => DataStream<T>) => {
    tap(env.fromSource(FileSource.jsonLines<Ride>(rides)).uid("rides"))
      .map((r) => ({ rideId: r.rideId, driver: r.driver.toUpperCase() }))
      .uid("upper")
      .sinkTo(sinks.jsonLines(out))
      .uid("out");
  };
  const expected = await runJob("reference", join(dir, "reference.jsonl"), job(join(dir, "reference.jsonl")));
  assert.equal(expected.length, RIDES);
  for (const seed of conformanceSeeds(5)) {
    const out = join(dir, `copy-${seed}.jsonl`);
    const cut = 1 + Math.floor(seededRandom(seed)() * (RIDES - 4096)); // the source still reads (it runs up to two batches ahead)
    const lines = await runJob(`copy-${seed}`, out, job(out), cut);
    assert.equal(difference(lines, expected), "", `savepoint at record ${cut}`);
  }
});

test("RidesAndFares: a keyed connect over two JSON-lines files, savepoint mid-read, cancel and restore: every pair once", async () => {
  const job = (out: string) => (env: StreamEnvironment, tap: <T>(s: DataStream<T>) => DataStream<T>) => {
    const rideStream = tap(env.fromSource(FileSource.jsonLines<Ride>(rides)).uid("rides"));
    const fareStream = env.fromSource(FileSource.jsonLines<Fare>(fares)).uid("fares");
    rideStream
      .connect(fareStream)
      .keyBy(
        (r) => r.rideId,
        (f) => f.rideId,
      )
      .process<{ rideId: number; driver: string; total: number }>({
        processElement1(ride, ctx, collector) {
          const fare = ctx.getState<Fare>("fare");
          const f = fare.value();
          if (f === undefined) ctx.getState<Ride>("ride").update(ride);
          else {
            fare.clear();
            collector.collect({ rideId: ride.rideId, driver: ride.driver, total: f.total });
          }
        },
        processElement2(f, ctx, collector) {
          const ride = ctx.getState<Ride>("ride");
          const r = ride.value();
          if (r === undefined) ctx.getState<Fare>("fare").update(f);
          else {
            ride.clear();
            collector.collect({ rideId: r.rideId, driver: r.driver, total: f.total });
          }
        },
      })
      .uid("enrich")
      .sinkTo(sinks.jsonLines(out))
      .uid("out");
  };
  const expected = sorted(await runJob("pairs-reference", join(dir, "pairs-reference.jsonl"), job(join(dir, "pairs-reference.jsonl"))));
  assert.equal(expected.length, RIDES);
  for (const seed of conformanceSeeds(5)) {
    const out = join(dir, `pairs-${seed}.jsonl`);
    const cut = 1 + Math.floor(seededRandom(seed)() * (RIDES - 4096)); // the source still reads (it runs up to two batches ahead)
    const pairs = sorted(await runJob(`pairs-${seed}`, out, job(out), cut));
    assert.equal(difference(pairs, expected), "", `savepoint at ride ${cut}`);
  }
});
