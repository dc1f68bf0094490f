/**
 * Random-cut checkpoints of a job whose subtasks run on worker threads, as the one-thread suites
 * (`testing/sourceConformance.ts`, `checkpoint/fileSavepoint.test.ts`) cut them: the module job of
 * `fixtures/chaosWindowJob.ts` (keyed event-time windows) reads through `chaosSource` on a worker
 * (polls made asynchronous with random pauses) into a sink whose writes are asynchronous at random.
 * At random polls, before one, while the reader's poll is in flight or after it returned, the source
 * asks for a savepoint; each completed savepoint is restored at the other parallelism (2 → 3, 3 → 2),
 * and the records the sink held at the barrier followed by the restored run's output must be DuckDB's
 * batch answer over the same events (a GROUP BY per window: no record is late): nothing lost, nothing
 * twice. So must the run that took the savepoints.
 * Two seeds by default (~4 s); SLUICE_CONFORMANCE_SEEDS=N runs N (odd seeds tumbling 2 → 3, even
 * sliding 3 → 2).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BroadcastChannel } from "node:worker_threads";
import { FileCheckpointStorage } from "../../checkpoint/CheckpointStorage.js";
import { query } from "../../connectors/duckdb/sharedDatabase.js";
import { seededRandom, type TriggerPoint } from "../../testing/chaosSource.js";
import { conformanceSeeds } from "../../testing/sourceConformance.js";
import type { Stats } from "../../windows/AggregateFunction.js";
import type { WindowResult } from "../../windows/WindowFunction.js";
import { type ChaosWindowArgs, chaosEvents, type CutRequest, type declareChaosWindowJob } from "./fixtures/chaosWindowJob.js";
import { executeModuleJob } from "./moduleJob.js";
import { workerStats } from "./WorkerPool.js";

const fixture = new URL("./fixtures/chaosWindowJob.js", import.meta.url);
type Declared = ReturnType<typeof declareChaosWindowJob>;
const N = 4000;
const BATCH = 16;
const POINTS: TriggerPoint[] = ["before-poll", "poll-in-flight", "after-poll"];

const key = (r: WindowResult<string, Stats>) => JSON.stringify([r.key, r.start, r.value.count, r.value.sum, r.value.min, r.value.max, r.firing]);

/** DuckDB's windows over the same events: each event in the tumbling window of its 100 ms, or the three sliding windows (150 ms every 50) holding it. */
async function oracle(seed: number, assigner: ChaosWindowArgs["assigner"], dir: string): Promise<string[]> {
  const csv = join(dir, `events-${seed}.csv`);
  writeFileSync(
    csv,
    `${chaosEvents(seed, N)
      .map((e) => `${e.k},${e.ts},${e.v}`)
      .join("\n")}\n`,
  );
  const offsets = assigner === "tumbling" ? [0] : [0, 50, 100];
  const slot = assigner === "tumbling" ? 100 : 50;
  const { values } = await query(
    `SELECT k, (ts // ${slot}) * ${slot} - o AS start, COUNT(*)::INT AS n, SUM(v)::INT AS s, MIN(v)::INT AS lo, MAX(v)::INT AS hi
     FROM read_csv(?, header = false, columns = {'k': 'VARCHAR', 'ts': 'BIGINT', 'v': 'INT'}), unnest([${offsets.join(", ")}]) AS u(o) GROUP BY ALL`,
    [csv],
  );
  return (values as unknown as { k: string; start: number; n: number; s: number; lo: number; hi: number }[]).map((r) => JSON.stringify([r.k, Number(r.start), r.n, r.s, r.lo, r.hi, 0])).sort();
}

function assertSame(actual: string[], expected: string[], label: string): void {
  actual.sort();
  const at = actual.findIndex((w, i) => w !== expected[i]);
  assert.ok(at === -1 && actual.length === expected.length, `${label}: ${actual.length} vs ${expected.length} windows, first difference ${actual[at]} vs ${expected[at]}`);
}

test("windows on worker threads cut by savepoints at random polls and writes, restored at 2 → 3 and 3 → 2, give DuckDB's answer", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-worker-chaos-"));
  try {
    for (const seed of conformanceSeeds(2)) {
      const [from, to, assigner] = seed % 2 === 1 ? ([2, 3, "tumbling"] as const) : ([3, 2, "sliding"] as const);
      const expected = await oracle(seed, assigner, dir);
      const random = seededRandom(seed);
      const polls = Math.ceil(N / BATCH);
      // Two cuts in the first 70% of the run, each at a random point of its poll.
      const cuts = [0, 1].map(() => [1 + Math.floor(random() * polls * 0.7), POINTS[Math.floor(random() * 3)]!] as const);
      const channel = `sluice-chaos-${process.pid}-${seed}`;
      const args: ChaosWindowArgs = { seed, n: N, assigner, cuts, channel };
      const checkpoints = join(dir, `cp-${seed}`);
      const label = `seed ${seed} (${assigner}, cuts ${JSON.stringify(cuts)}, p${from} → p${to})`;
      const jobs = workerStats().jobs;
      const first = await executeModuleJob<Declared>(fixture, "declareChaosWindowJob", "chaos windows", { environment: { parallelism: from, batchSize: BATCH }, args, checkpoints });
      const savepoints: string[] = [];
      const taken: Promise<unknown>[] = [];
      const requests = new BroadcastChannel(channel);
      requests.onmessage = (event) => {
        const { poll, point } = (event as unknown as { data: CutRequest }).data;
        const name = `s${seed}-poll${poll}-${point}`;
        taken.push(
          first.job.savepoint(name).then(
            () => savepoints.push(name),
            () => undefined, // another one in progress, or the job ended first: nothing to restore
          ),
        );
      };
      try {
        await first.job.wait();
      } finally {
        requests.close();
      }
      await Promise.all(taken);
      assert.equal(workerStats().jobs, jobs + 1, `${label}: ran on worker threads`);
      assertSame(first.declared.out.values.map(key), expected, `${label}: the run cut by savepoints`);
      assert.ok(savepoints.length > 0, `${label}: no savepoint completed`);
      const storage = new FileCheckpointStorage(checkpoints);
      for (const name of savepoints) {
        const written = (await storage.load(name)).operators.find((o) => o.uid === "out")?.subtasks[0]?.state as number;
        const restored = await executeModuleJob<Declared>(fixture, "declareChaosWindowJob", "chaos windows", {
          environment: { parallelism: to, batchSize: BATCH },
          args: { ...args, cuts: [] },
          checkpoints,
          restoreFrom: name,
        });
        await restored.job.wait();
        assert.equal(restored.job.result?.status, "finished", `${label}, ${name}: ${restored.job.result?.error?.message}`);
        const before = first.declared.out.values.slice(0, written);
        assertSame([...before, ...restored.declared.out.values].map(key), expected, `${label}, ${name}: ${written} windows before the barrier + ${restored.declared.out.values.length} restored`);
        process.stdout.write(`${label}, ${name}: ${written} windows before the barrier + ${restored.declared.out.values.length} restored\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
