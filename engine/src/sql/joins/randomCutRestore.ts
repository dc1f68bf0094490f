import assert from "node:assert/strict";
import { join } from "node:path";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { CollectSink } from "../../sinks/MemorySinks.js";
import { seededRandom } from "../../testing/chaosSource.js";
import { conformanceSeeds } from "../../testing/sourceConformance.js";
import type { Catalog } from "../catalog.js";
import type { Row } from "../connectors.js";
import { parseScript } from "../parser.js";
import { Planner } from "../planner.js";

/**
 * For tests: runs an append-only query once uninterrupted, then for each seed stops it with a
 * savepoint after a random number of output rows (within the first half) and restores it, and
 * asserts the two runs' rows together are the uninterrupted run's (nothing lost or duplicated).
 * Returns the uninterrupted rows. Seeds: `fallback` by default, SLUICE_CONFORMANCE_SEEDS=N for N.
 */
export async function checkRandomCutRestore(catalog: Catalog, sql: string, dir: string, fallback: number): Promise<Row[]> {
  const [parsed] = parseScript(sql);
  const query = parsed?.statement.kind === "query" ? parsed.statement.query : assert.fail("not a query");
  const start = (checkpoints: string | undefined, restore?: string) => {
    const env = checkpoints ? StreamEnvironment.create().enableCheckpointing({ directory: checkpoints }) : StreamEnvironment.create();
    const planned = new Planner(env, catalog).plan(query);
    assert.ok(planned.stream, "an append-only result");
    const out = new CollectSink<Row>();
    planned.stream.sinkTo(out).uid("out");
    return { job: env.execute("random-cut", restore ? { restoreFrom: restore } : {}), out };
  };
  const reference = start(undefined);
  await reference.job.wait();
  const expected = reference.out.values.map((r) => JSON.stringify(r)).sort();
  for (const seed of conformanceSeeds(fallback)) {
    const checkpoints = join(dir, `cp-${seed}-${Math.random().toString(36).slice(2)}`);
    const cut: number = 1 + Math.floor(seededRandom(seed)() * (expected.length / 2));
    const first = start(checkpoints);
    while (first.out.values.length < cut && first.job.result === undefined) await new Promise((r) => setTimeout(r, 1));
    assert.equal(first.job.result, undefined, `the job ended before the cut at row ${cut}`);
    await first.job.stop({ savepoint: "cut" });
    const second = start(checkpoints, "cut");
    await second.job.wait();
    const got = [...first.out.values, ...second.out.values].map((r) => JSON.stringify(r)).sort();
    // Compared by first difference: assert's diff of two 20 000-row arrays takes minutes.
    const firstDifference = got.findIndex((r, i) => r !== expected[i]);
    assert.ok(
      got.length === expected.length && firstDifference < 0,
      `seed ${seed}: ${first.out.values.length} + ${second.out.values.length} rows of ${expected.length}; first difference ${got[firstDifference]} vs ${expected[firstDifference]}`,
    );
  }
  return reference.out.values;
}
