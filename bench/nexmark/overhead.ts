/**
 * What the engine adds to the generator, per query, in ONE process and ONE build: alternates the
 * Nexmark reader polled alone (`gen`, as perRecord.ts), the harness's gen row as a job (`genjob`) and
 * the given queries, `events` each per block, and prints the median CPU nanoseconds per event of each.
 * The difference between a query and `gen` is the engine's share of that query (source task, watermarks,
 * operators, channels, sink, and the GC of what they allocate); all targets see the same load within
 * seconds, so the differences hold on a shared machine where absolute rates do not; each query's rate as
 * a fraction of `gen`'s and `genjob`'s is also given, as the median of per-block ratios. Not an A/B of two
 * builds (perRecordAB.sh is: V8 compiles two builds' copies differently, see jobAB.ts).
 *
 * Usage: node dist/bench/nexmark/overhead.js ["gen genjob q0 q2"] [blocks=6] [events=1000000]
 */
import os from "node:os";
import { StreamEnvironment } from "../../engine/src/index.js";
import { Nexmark, type NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";
import { ManualClock } from "../../engine/src/testing/ManualClock.js";
import { Blackhole } from "./blackhole.js";
import { nexmarkEvents, QUERIES, type NexmarkQuery } from "./queries/index.js";

const [targets = "gen genjob q0 q1 q2", blocks = "6", n = "1000000"] = process.argv.slice(2);
const events = Number(n);
const blackhole = new Blackhole();
const GEN_JOB: NexmarkQuery<NexmarkEvent> = { name: "genjob", description: "the generator in a job", build: (e) => e, check: () => 0 };

async function run(what: string, count: number): Promise<void> {
  if (what === "gen") {
    const reader = Nexmark.source({ count }).createReader({ subtask: 0, parallelism: 1, clock: new ManualClock(0), jobName: "gen", badRecord: () => {} });
    for (;;) {
      const poll = reader.poll(1024) as { values: NexmarkEvent[]; end?: boolean };
      blackhole.outputs += poll.values.length;
      if (poll.end === true) return;
    }
  }
  const spec = what === "genjob" ? GEN_JOB : QUERIES[what];
  if (spec === undefined) throw new Error(`unknown target ${what}; gen, genjob or one of ${Object.keys(QUERIES).join(", ")}`);
  const env = StreamEnvironment.create({ parallelism: 1 });
  spec.build(nexmarkEvents(env, { count })).sinkTo(blackhole.sink(spec.check as (v: unknown) => number));
  await env.execute(`nexmark ${what}`).wait();
}

const whats = targets.split(/\s+/).filter((t) => t !== "");
for (const what of whats) await run(what, events / 2);
const ns = new Map<string, number[]>(whats.map((w) => [w, []]));
for (let b = 0; b < Number(blocks); b++) {
  for (const what of whats) {
    const c0 = process.cpuUsage();
    await run(what, events);
    const c = process.cpuUsage(c0);
    ns.get(what)!.push(((c.user + c.system) * 1000) / events);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const gen = ns.has("gen") ? median(ns.get("gen")!) : undefined;
/**
 * A target's rate as a fraction of `ref`'s (issue 15: q0 >= 80% of the generator alone), per block: the two
 * ran seconds apart, so the pair shares the machine's load where medians taken apart do not.
 */
const ofRef = (what: string, ref: string): string => {
  const xs = ns.get(what)!;
  const refs = ns.get(ref);
  if (refs === undefined || what === ref) return "";
  const ratios = xs.map((x, b) => refs[b]! / x);
  return `, ${(100 * median(ratios)).toFixed(1)}% of ${ref} (blocks ${(100 * Math.min(...ratios)).toFixed(0)}–${(100 * Math.max(...ratios)).toFixed(0)}%)`;
};
for (const what of whats) {
  const m = median(ns.get(what)!);
  const over = gen === undefined || what === "gen" ? "" : `, +${(m - gen).toFixed(1)} over gen`;
  console.log(
    `${what}: ${m.toFixed(1)} ns/event (${(1e3 / m).toFixed(2)}M ev/CPU-s${over}${ofRef(what, "gen")}${what === "gen" ? "" : ofRef(what, "genjob")}; blocks ${ns
      .get(what)!
      .map((x) => x.toFixed(0))
      .join(" ")})`,
  );
}
console.log(`load ${os.loadavg()[0]!.toFixed(1)}, outputs ${blackhole.outputs}`);
