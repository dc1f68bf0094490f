import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { FileCheckpointStorage } from "../checkpoint/CheckpointStorage.js";
import type { Source } from "../connectors/Source.js";
import type { JobHandle } from "../runtime/JobHandle.js";
import type { Sink } from "../sinks/Sink.js";
import { chaosSource, seededRandom, type TriggerPoint } from "./chaosSource.js";

/** Which job of a conformance run a source is built for. */
export interface ConformanceRun {
  kind: "reference" | "checkpointed" | "restored";
  seed: number;
  /** Restored runs: which of the seed's checkpoints (0-based); else 0. */
  index: number;
}

export interface SourceConformanceOptions<T> {
  /** The source's name in reports. */
  name: string;
  /**
   * A fresh source for one job (the reference run, each seed's checkpointed run, each restore). All
   * must read the same data; a growing input (a tailed file, a topic) may be written meanwhile.
   */
  source(run: ConformanceRun): Source<T> | Promise<Source<T>>;
  /** Unbounded sources: how many records a complete read holds. A run is stopped once they all arrived. */
  expectedCount?: number;
  /** Compare in order, for sources that define one (e.g. a file); default: as multisets. */
  ordered?: boolean;
  /** Source parallelism. Default 1. */
  parallelism?: number;
  /** A record's identity in comparisons. Default: the JSON of its value and source timestamp. */
  key?: (value: T, timestamp: number) => string;
  /** Checkpoints per seed (each is restored). Default 4. */
  checkpoints?: number;
  /** Batch sizes a seed picks from. Default 1 to 1024. */
  batchSizes?: readonly number[];
  /** Unbounded runs: ms to wait after the last expected record for any duplicate still coming. Default 50. */
  settleMs?: number;
  /** A run taking longer fails the seed. Default 60 s. */
  timeoutMs?: number;
}

/** One seed's outcome: counts over all its restores. */
export interface ConformanceResult {
  source: string;
  seed: number;
  batchSize: number;
  /** Pauses were added around polls (else the reader's polls ran as they are). */
  pauses: boolean;
  /** Checkpoints that completed (and were each restored). */
  checkpoints: number;
  /** Records missing from (output before the barrier + restored output), summed over restores. */
  lost: number;
  /** Records there more often than in the uninterrupted run, summed over restores. */
  duplicated: number;
  /** What went wrong, readable; empty when the seed passed. */
  problems: string[];
}

const SOURCE_UID = "conformance-source";
const SINK_UID = "conformance-sink";
const DEFAULT_BATCH_SIZES = [1, 2, 3, 7, 16, 50, 128, 1024];

/**
 * A conformance test for sources (as Flink's connector test suites): checkpoints cut at random
 * moments while reads are in flight, a restore from each, and the output checked against an
 * uninterrupted run. For each seed the job `source → sink` runs once with random pauses around polls
 * (see `chaosSource`) and savepoints triggered before a poll, while it is in flight and after the
 * reader handed its records over; then, for every savepoint that completed, a fresh job restores it
 * and runs to the end. The records the sink had received when the savepoint's barrier reached it,
 * followed by the restored job's records, must be the uninterrupted run's records: none lost, none
 * twice (as a multiset, or in order with `ordered`).
 *
 * @example
 * const results = await checkSourceConformance({
 *   name: "my source",
 *   source: () => mySource({ path: "data.jsonl" }),
 *   ordered: true,
 * }, [1, 2, 3]);
 * assert.deepEqual(results.flatMap((r) => r.problems), []);
 * console.log(formatConformanceTable(results));
 */
export async function checkSourceConformance<T>(options: SourceConformanceOptions<T>, seeds: readonly number[]): Promise<ConformanceResult[]> {
  const directory = await mkdtemp(join(tmpdir(), "sluice-conformance-"));
  try {
    const reference = await runJob(options, await options.source({ kind: "reference", seed: 0, index: 0 }), { directory: undefined, batchSize: 1024 });
    if (reference.problem !== undefined) throw new Error(`${options.name}: the uninterrupted run failed: ${reference.problem}`);
    const results: ConformanceResult[] = [];
    for (const seed of seeds) results.push(await checkSeed(options, reference.keys, seed, join(directory, `seed-${seed}`)));
    return results;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function checkSeed<T>(options: SourceConformanceOptions<T>, expected: readonly string[], seed: number, directory: string): Promise<ConformanceResult> {
  const random = seededRandom(seed);
  const sizes = options.batchSizes ?? DEFAULT_BATCH_SIZES;
  const batchSize = sizes[Math.floor(random() * sizes.length)]!;
  // One seed in four leaves the reader's polls as they are (only cut into), the others add pauses around them.
  const passThrough = random() < 0.25 ? 1 : 0.2;
  const result: ConformanceResult = { source: options.name, seed, batchSize, pauses: passThrough < 1, checkpoints: 0, lost: 0, duplicated: 0, problems: [] };
  const wanted = options.checkpoints ?? 4;
  // Polls at which to cut, spread over the run's expected number of polls, each at a random point in the poll.
  const expectedPolls = Math.max(1, Math.ceil(expected.length / batchSize));
  const cuts = new Map<number, TriggerPoint>();
  const points: TriggerPoint[] = ["before-poll", "poll-in-flight", "after-poll"];
  for (let i = 0; i < wanted * 4 && cuts.size < wanted; i++) cuts.set(1 + Math.floor(random() * expectedPolls), points[Math.floor(random() * 3)]!);
  const savepoints: string[] = [];
  let inProgress = false;
  let job: JobHandle | undefined;
  const trigger = (poll: number, point: TriggerPoint): void => {
    // A cut that falls while another checkpoint runs moves to the next poll.
    const at = cuts.get(poll);
    if (at !== point || job === undefined) return;
    cuts.delete(poll);
    if (inProgress) {
      cuts.set(poll + 1, at);
      return;
    }
    inProgress = true;
    const name = `s${seed}-poll${poll}-${point}`;
    job
      .savepoint(name)
      .then(
        () => savepoints.push(name),
        () => undefined, // the job ended first: nothing to restore
      )
      .finally(() => (inProgress = false));
  };
  const source = chaosSource(await options.source({ kind: "checkpointed", seed, index: 0 }), { random, trigger, passThrough });
  const run = await runJob(options, source, { directory, batchSize, started: (j) => (job = j) });
  await new Promise((resolve) => setImmediate(resolve)); // the last savepoint's callbacks
  result.checkpoints = savepoints.length;
  if (run.problem !== undefined) result.problems.push(`run with checkpoints: ${run.problem}`);
  compare(expected, run.keys, options.ordered === true, "run with checkpoints", result, false);
  const storage = new FileCheckpointStorage(directory);
  for (const [index, name] of savepoints.entries()) {
    const data = await storage.load(name);
    const cut = data.operators.find((o) => o.uid === SINK_UID)?.subtasks[0]?.state as number;
    const prefix = run.keys.slice(0, cut);
    const fresh = chaosSource(await options.source({ kind: "restored", seed, index }), { random });
    const restored = await runJob(options, fresh, { directory, batchSize, restoreFrom: name, before: prefix.length });
    if (restored.problem !== undefined) result.problems.push(`restore of ${name}: ${restored.problem}`);
    compare(expected, [...prefix, ...restored.keys], options.ordered === true, `restore of ${name} (${cut} records before its barrier)`, result, true);
  }
  return result;
}

interface RunOutcome {
  keys: string[];
  problem: string | undefined;
}

interface RunSettings {
  directory: string | undefined;
  batchSize: number;
  restoreFrom?: string;
  /** Records already emitted before the restored checkpoint (unbounded sources stop at `expectedCount` in all). */
  before?: number;
  started?: (job: JobHandle) => void;
}

async function runJob<T>(options: SourceConformanceOptions<T>, source: Source<T>, settings: RunSettings): Promise<RunOutcome> {
  const env = StreamEnvironment.create({ batchSize: settings.batchSize });
  if (settings.directory !== undefined) env.enableCheckpointing({ directory: settings.directory, retain: 1 });
  const keyOf = options.key ?? ((value: T, timestamp: number) => JSON.stringify([value, Number.isNaN(timestamp) ? null : timestamp]));
  const keys: string[] = [];
  const target = options.expectedCount === undefined ? undefined : options.expectedCount - (settings.before ?? 0);
  let reached!: () => void;
  const allArrived = new Promise<void>((resolve) => (reached = resolve));
  if (target !== undefined && target <= 0) reached();
  const sink: Sink<T> = {
    name: "conformance",
    maxParallelism: 1,
    createWriter: () => ({
      write(values, timestamps) {
        for (let i = 0; i < values.length; i++) keys.push(keyOf(values[i]!, timestamps[i]!));
        if (target !== undefined && keys.length >= target) reached();
      },
      // The checkpoint holds how many records reached the sink before the barrier.
      snapshotState: () => keys.length,
      restoreState: () => {},
    }),
  };
  env
    .fromSource(source)
    .uid(SOURCE_UID)
    .setParallelism(options.parallelism ?? 1)
    .sinkTo(sink)
    .uid(SINK_UID)
    .setParallelism(1);
  const job = env.execute(`conformance ${options.name}`, settings.restoreFrom === undefined ? {} : { restoreFrom: settings.restoreFrom });
  settings.started?.(job);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs ?? 60_000)));
  try {
    const ended = target === undefined ? job.done : Promise.race([allArrived.then(() => settle(job, options.settleMs ?? 50)), job.done]);
    if ((await Promise.race([ended, timedOut])) === "timeout") {
      await job.cancel();
      return { keys, problem: `timed out after ${keys.length} records${target === undefined ? "" : ` of ${target}`}` };
    }
    if (target !== undefined && job.result !== undefined && keys.length < target) {
      return { keys, problem: `ended (${job.result.status}${job.result.error ? `: ${job.result.error.message}` : ""}) after ${keys.length} of ${target} records` };
    }
    const result = target !== undefined ? await job.cancel() : await job.done;
    // Whether a cancel under a read in flight ends the job as cancelled is not this test's concern
    // (only what reached the sink is); a failure before it is.
    if (result.status === "failed" && target === undefined) return { keys, problem: `failed: ${result.error?.message}` };
    return { keys, problem: undefined };
  } finally {
    clearTimeout(timer);
  }
}

/** Unbounded runs: let anything still on its way (a duplicate) arrive before stopping. */
async function settle(job: JobHandle, ms: number): Promise<void> {
  await job.whenIdle();
  await new Promise((resolve) => setTimeout(resolve, ms));
  await job.whenIdle();
}

/** Adds what `actual` lacks and repeats (against `expected`) to `result`. */
function compare(expected: readonly string[], actual: readonly string[], ordered: boolean, what: string, result: ConformanceResult, count: boolean): void {
  const balance = new Map<string, number>();
  for (const k of expected) balance.set(k, (balance.get(k) ?? 0) + 1);
  for (const k of actual) balance.set(k, (balance.get(k) ?? 0) - 1);
  let lost = 0;
  let duplicated = 0;
  const examples: string[] = [];
  for (const [k, n] of balance) {
    if (n > 0) lost += n;
    if (n < 0) duplicated -= n;
    if (n !== 0 && examples.length < 3) examples.push(`${n > 0 ? "lost" : "repeated"} ${k.length > 80 ? k.slice(0, 79) + "…" : k}`);
  }
  if (count) {
    result.lost += lost;
    result.duplicated += duplicated;
  }
  if (lost > 0 || duplicated > 0) {
    result.problems.push(`${what}: ${lost} lost, ${duplicated} duplicated (${examples.join("; ")})`);
    return;
  }
  if (ordered) {
    const at = expected.findIndex((k, i) => actual[i] !== k);
    if (at >= 0) result.problems.push(`${what}: out of order at record ${at}: ${actual[at]} where ${expected[at]} was read`);
  }
}

/** The results as a table: one line per source with seeds, checkpoints restored, lost and duplicated records. */
export function formatConformanceTable(results: readonly ConformanceResult[]): string {
  const rows = new Map<string, { seeds: number; checkpoints: number; lost: number; duplicated: number; failed: number }>();
  for (const r of results) {
    const row = rows.get(r.source) ?? { seeds: 0, checkpoints: 0, lost: 0, duplicated: 0, failed: 0 };
    row.seeds++;
    row.checkpoints += r.checkpoints;
    row.lost += r.lost;
    row.duplicated += r.duplicated;
    if (r.problems.length > 0) row.failed++;
    rows.set(r.source, row);
  }
  const header = ["source", "seeds", "checkpoints", "lost", "duplicated", "failed seeds"];
  const lines = [...rows].map(([name, r]) => [name, r.seeds, r.checkpoints, r.lost, r.duplicated, r.failed].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [format(header), format(widths.map((w) => "-".repeat(w))), ...lines.map(format)].join("\n");
}

/** Seeds for a conformance test: `SLUICE_CONFORMANCE_SEEDS` of them (default `fallback`), starting at 1. */
export function conformanceSeeds(fallback: number): number[] {
  const n = Number(process.env["SLUICE_CONFORMANCE_SEEDS"] ?? fallback);
  return Array.from({ length: Number.isInteger(n) && n > 0 ? n : fallback }, (_, i) => i + 1);
}
