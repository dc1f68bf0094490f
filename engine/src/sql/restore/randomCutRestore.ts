import assert from "node:assert/strict";
import { join } from "node:path";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { JobHandle } from "../../runtime/JobHandle.js";
import type { DataStream } from "../../api/DataStream.js";
import { CollectSink } from "../../sinks/MemorySinks.js";
import { seededRandom } from "../../testing/chaosSource.js";
import { conformanceSeeds } from "../../testing/sourceConformance.js";
import type { Catalog } from "../catalog.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import type { Sink } from "../../sinks/Sink.js";
import { configureMiniBatch } from "../minibatch/miniBatchOptions.js";
import { configureAggPhaseStrategy } from "../windows/aggPhaseStrategy.js";
import { configureSourceIdleTimeout } from "../scan/sourceIdleTimeout.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { assignPlanUids } from "./planUids.js";

export interface RandomCut {
  /** Seeds run by default (SLUICE_CONFORMANCE_SEEDS=N runs N). */
  seeds: number;
  /**
   * Where the cut falls: with `sourceRows`, once the source has read a random number of its rows (within
   * the first 60%: state open, rows in flight); without, after a random number of output rows (within the
   * first half).
   */
  sourceRows?: number;
  /** Names the query in messages and job names. */
  name?: string;
  /**
   * An append-only query's sink other than a collecting one (a two-phase-commit sink such as the
   * filesystem table's), per run (`reference`, or the seed's: both its jobs write the same output),
   * and what that output holds once a run ended, as sorted rows.
   */
  into?: (run: string) => { sink: Sink<Row>; read: () => string[] };
  /** SET options the plan reads (`table.exec.mini-batch.*`), for every run. */
  options?: Record<string, string>;
  /**
   * The two runs' outputs, one after the other, are the uninterrupted run's change by change in the same
   * order (a plan whose output order is deterministic), not only the same rows or the same folded table.
   */
  inOrder?: boolean;
  /** The uninterrupted run gives more outputs than this (a query that gives few tests little). */
  moreThan?: number;
  /** The jobs' default parallelism (subtasks on this thread); 1 unless given. */
  parallelism?: number;
}

/**
 * For tests: runs a query once uninterrupted, then for each seed stops it with a savepoint
 * at a random moment and restores it under its plan-derived uids (as `%%ssql --restore` does), and
 * asserts the two runs' rows together are the uninterrupted run's: nothing lost, nothing twice (an
 * updating result: the two changelogs folded, as one table, are the uninterrupted one folded; with
 * `inOrder`, the outputs themselves in order). Returns
 * the uninterrupted rows (an updating result: its final table).
 */
export async function checkRandomCutRestore(catalog: Catalog, sql: string, dir: string, cut: RandomCut): Promise<Row[]> {
  const name = cut.name ?? "random-cut";
  const [parsed] = parseScript(sql);
  const query = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
  let updating = false;
  const start = (checkpoints: string | undefined, restore?: string, run = "reference"): { job: JobHandle; out: CollectSink<Row | Change> } => {
    const created = StreamEnvironment.create({ parallelism: cut.parallelism ?? 1 });
    const env = checkpoints ? created.enableCheckpointing({ directory: checkpoints }) : created;
    configureMiniBatch(env, new Map(Object.entries(cut.options ?? {})));
    configureAggPhaseStrategy(env, new Map(Object.entries(cut.options ?? {})));
    configureSourceIdleTimeout(env, new Map(Object.entries(cut.options ?? {})));
    const planned = new Planner(env, catalog).plan(query);
    const out = new CollectSink<Row | Change>();
    updating = planned.stream === undefined;
    if (cut.into && planned.stream) planned.stream.sinkTo(cut.into(run).sink).uid("out");
    else (planned.stream ?? (planned.changes as DataStream<Change>)).sinkTo(out).uid("out");
    assignPlanUids(env.graph);
    return { job: env.execute(name, restore ? { restoreFrom: restore } : {}), out };
  };
  // An updating result is compared folded: each row with how many times the changelog leaves it in the table.
  const rows = (values: (Row | Change)[]): string[] => (cut.inOrder ? values.map((r) => JSON.stringify(r)) : updating ? fold(values as Change[]) : values.map((r) => JSON.stringify(r)).sort());
  const reference = start(undefined);
  await reference.job.wait();
  if (cut.moreThan !== undefined) assert.ok(reference.out.values.length > cut.moreThan, `${name}: only ${reference.out.values.length} outputs`);
  const expected = cut.into ? cut.into("reference").read() : rows(reference.out.values);
  for (const seed of conformanceSeeds(cut.seeds)) {
    const random = seededRandom(seed);
    const run = `seed-${seed}`;
    let first: ReturnType<typeof start>;
    let second: ReturnType<typeof start>;
    // A cut by the first source's progress may come after another source has read every row that changes the
    // result (it reads faster on a loaded machine): nothing is left to restore, and the seed draws another cut.
    for (let attempt = 1; ; attempt++) {
      const checkpoints = join(dir, `cp-${seed}-${Math.random().toString(36).slice(2)}`);
      const job = start(checkpoints, undefined, run);
      const sourceRead = () => job.job.metrics().operators.find((o) => o.kind === "source")?.recordsIn ?? 0;
      const [progress, at] =
        cut.sourceRows === undefined ? [() => job.out.values.length, 1 + Math.floor(random() * (expected.length / 2))] : [sourceRead, 1 + Math.floor(random() * cut.sourceRows * 0.6)];
      while (progress() < at && job.job.result === undefined) await new Promise((r) => setTimeout(r, 1));
      assert.equal(job.job.result, undefined, `${name}: the job ended before the cut at ${at}`);
      await job.job.stop({ savepoint: "cut" });
      first = job;
      second = start(checkpoints, "cut", run);
      await second.job.wait();
      if (cut.into || second.out.values.length > 0 || attempt === 3) break;
    }
    assert.equal(second.job.result?.status, "finished", `${name}, seed ${seed}: the restored job ${second.job.result?.status}`);
    assert.ok(cut.into || second.out.values.length > 0, `${name}, seed ${seed}: nothing left after the savepoint`);
    const got = cut.into ? cut.into(run).read() : rows([...first.out.values, ...second.out.values]);
    // Compared by first difference: assert's diff of two 20 000-row arrays takes minutes.
    const firstDifference = got.findIndex((r, i) => r !== expected[i]);
    assert.ok(
      got.length === expected.length && firstDifference < 0,
      `${name}, seed ${seed}: ${cut.into ? got.length : `${first.out.values.length} + ${second.out.values.length}`} rows of ${expected.length}; first difference ${got[firstDifference]} vs ${expected[firstDifference]}`,
    );
  }
  if (cut.into) return expected.map((line) => [line]);
  return updating ? fold(reference.out.values as Change[]).map((r) => JSON.parse(r) as Row) : (reference.out.values as Row[]);
}

/** A changelog applied to a multiset of rows, as sorted JSON (a row left n times appears n times). */
function fold(changes: Change[]): string[] {
  const counts = new Map<string, number>();
  for (const c of changes) {
    const k = JSON.stringify(c.row);
    counts.set(k, (counts.get(k) ?? 0) + (c.kind === "+I" || c.kind === "+U" ? 1 : -1));
  }
  const rows: string[] = [];
  for (const [k, n] of counts) for (let i = 0; i < Math.abs(n); i++) rows.push(n > 0 ? k : `retracted more than inserted: ${k}`);
  return rows.sort();
}
