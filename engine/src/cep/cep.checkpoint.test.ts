/**
 * A CEP job stopped with a savepoint at a random moment and restored (also at another parallelism)
 * gives the matches and timeouts of an uninterrupted run: the matcher's partial matches, shared
 * buffer, held-back matches and the records waiting for the watermark are keyed state. Compared per
 * key, in order (which key's output comes first depends on scheduling, as in Flink).
 * More seeds: SLUICE_CONFORMANCE_SEEDS=50.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { OutputTag } from "../api/OutputTag.js";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { CollectSink } from "../sinks/MemorySinks.js";
import { seededRandom } from "../testing/chaosSource.js";
import { conformanceSeeds } from "../testing/sourceConformance.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";
import { AfterMatchSkipStrategy } from "./AfterMatchSkipStrategy.js";
import { CEP } from "./CEP.js";
import { Pattern } from "./Pattern.js";

interface Ev {
  id: number;
  key: string;
  type: "a" | "b" | "c";
  ts: number;
}

const dir = mkdtempSync(join(tmpdir(), "sluice-cep-cp-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = 20_000;
/** Out of order by up to 40 ms, never late (the watermark trails by 41 ms). */
const events: Ev[] = (() => {
  const rand = seededRandom(42);
  return Array.from({ length: EVENTS }, (_, id) => {
    const r = rand();
    return { id, key: `k${Math.floor(rand() * 7)}`, type: r < 0.3 ? "a" : r < 0.7 ? "b" : "c", ts: id * 5 + Math.floor(rand() * 40) };
  });
})();

const is = (t: Ev["type"]) => (e: Ev) => e.type === t;
const show = (m: Map<string, Ev[]>) => [...m].map(([n, es]) => `${n}=${es.map((e) => e.id).join(",")}`).join(";");

function start(parallelism: number, checkpoints: string | undefined, restore?: string) {
  const env = StreamEnvironment.create();
  if (checkpoints !== undefined) env.enableCheckpointing({ directory: checkpoints });
  const keyed = env
    .fromArray(events)
    .uid("events")
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(40).withTimestampAssigner((e) => e.ts))
    .keyBy((e) => e.key);
  const timedOut = new OutputTag<string>("timed-out");
  const withTimeouts = CEP.pattern(keyed, Pattern.begin<Ev>("a").where(is("a")).followedBy("b").where(is("b")).oneOrMore().followedBy("c").where(is("c")).within(60)).process<string>({
    processMatch: (m, _ctx, out) => out.collect(`${m.get("a")![0]!.key}|${show(m)}`),
    processTimedOutMatch: (m, ctx) => ctx.output(timedOut, `${m.get("a")![0]!.key}|${show(m)}`),
  });
  const skipping = CEP.pattern(keyed, Pattern.begin<Ev>("a", AfterMatchSkipStrategy.skipPastLastEvent()).where(is("a")).oneOrMore().followedBy("c").where(is("c"))).select(
    (m) => `${m.get("a")![0]!.key}|${show(m)}`,
  );
  const sinks = { matches: new CollectSink<string>(), timeouts: new CollectSink<string>(), skipping: new CollectSink<string>() };
  withTimeouts.uid("cep-within").setParallelism(parallelism).sinkTo(sinks.matches).uid("matches");
  withTimeouts.getSideOutput(timedOut).sinkTo(sinks.timeouts).uid("timeouts");
  skipping.uid("cep-skip").setParallelism(parallelism).sinkTo(sinks.skipping).uid("skipping");
  return { job: env.execute("cep", restore ? { restoreFrom: restore } : {}), sinks };
}

/** Output lines grouped per key, in order. */
function perKey(lines: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of lines) (out[l.slice(0, l.indexOf("|"))] ??= []).push(l);
  return out;
}

test("a CEP job stopped with a savepoint at a random moment and restored gives the uninterrupted run's matches", async () => {
  const reference = start(2, undefined);
  await reference.job.wait();
  const expected = { matches: reference.sinks.matches.values, timeouts: reference.sinks.timeouts.values, skipping: reference.sinks.skipping.values };
  assert.ok(
    expected.matches.length > 100 && expected.timeouts.length > 100 && expected.skipping.length > 100,
    JSON.stringify({ m: expected.matches.length, t: expected.timeouts.length, s: expected.skipping.length }),
  );
  for (const seed of conformanceSeeds(3)) {
    const checkpoints = join(dir, `cp-${seed}`);
    const cut = 1 + Math.floor(seededRandom(seed)() * (expected.matches.length / 2));
    const first = start(2, checkpoints);
    while (first.sinks.matches.values.length < cut && first.job.result === undefined) await new Promise((r) => setTimeout(r, 1));
    assert.equal(first.job.result, undefined, `the job ended before the cut at match ${cut}`);
    await first.job.stop({ savepoint: "cut" });
    // Restored at another parallelism: keyed CEP state is redistributed by key group.
    const second = start(seed % 2 === 0 ? 3 : 1, checkpoints, "cut");
    await second.job.wait();
    assert.ok(second.sinks.matches.values.length > 0, `seed ${seed}: nothing left after the savepoint`);
    for (const name of ["matches", "timeouts", "skipping"] as const) {
      const got = [...first.sinks[name].values, ...second.sinks[name].values];
      assert.deepEqual(perKey(got), perKey(expected[name]), `seed ${seed}, ${name}: ${first.sinks[name].values.length} + ${second.sinks[name].values.length} of ${expected[name].length}`);
    }
  }
});
