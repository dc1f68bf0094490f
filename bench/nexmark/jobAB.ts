/**
 * Before/after of an engine change on whole Nexmark jobs in ONE process: imports the engine and the
 * queries from two builds (each a worktree or a copy with its own `dist/`), warms both up, then
 * alternates jobs of `events` events between them and prints, per side, the median CPU nanoseconds per
 * event (process.cpuUsage over the job: the job's setup is in it, ~1% at 500,000 events) and the ratio.
 * As generatorAB.ts does for the generator: both sides see the same machine load within a second, so on
 * a shared machine this resolves a few percent where alternating processes (perRecordAB.sh) need many rounds.
 * The two builds' modules are separate instances, so neither side's call sites see the other's classes.
 *
 * Prints per side the median and range (min–max) over blocks, and new/base per block (median and range).
 *
 * Usage: node dist/bench/nexmark/jobAB.js BASE NEW <q0|q1|…|genjob> [blocks=10] [events=500000]
 */
import os from "node:os";

const [base, next, what = "q0", blocks = "10", n = "500000"] = process.argv.slice(2);
if (base === undefined || next === undefined) throw new Error("usage: jobAB.js BASE NEW QUERY [blocks] [events]");
const events = Number(n);

interface Query {
  build(e: unknown): { sinkTo(s: unknown): void };
  check(r: unknown): number;
}
interface Side {
  run(count: number): Promise<number>;
}

async function load(root: string): Promise<Side> {
  const engine = (await import(`${root}/dist/engine/src/index.js`)) as {
    StreamEnvironment: { create(o: object): { execute(name: string): { wait(): Promise<unknown> } } };
  };
  const queries = (await import(`${root}/dist/bench/nexmark/queries/index.js`)) as { QUERIES: Record<string, Query>; nexmarkEvents(env: unknown, o: object): unknown };
  const spec: Query | undefined = what === "genjob" ? { build: (e) => e as { sinkTo(s: unknown): void }, check: () => 0 } : queries.QUERIES[what];
  if (spec === undefined) throw new Error(`unknown query ${what}`);
  // One blackhole per side, made by new Function so its loop's call of `check` is this side's only.
  const makeWrite = new Function(
    "check",
    "acc",
    "return function write(values) { let s = acc.sum; for (let i = 0; i < values.length; i++) { s += check(values[i]); if (s >= 2 ** 50 || s <= -(2 ** 50)) s %= 2 ** 50; } acc.sum = s; acc.outputs += values.length; };",
  ) as (check: (v: unknown) => number, acc: { sum: number; outputs: number }) => (values: readonly unknown[]) => void;
  const acc = { sum: 0, outputs: 0 };
  const write = makeWrite(spec.check, acc);
  const sink = { name: "blackhole", createWriter: () => ({ write }) };
  return {
    async run(count) {
      const env = engine.StreamEnvironment.create({ parallelism: 1 });
      spec.build(queries.nexmarkEvents(env, { count })).sinkTo(sink);
      await env.execute(`nexmark ${what}`).wait();
      return acc.sum + acc.outputs;
    },
  };
}

const sides = [await load(base), await load(next)];
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let sink = 0;
for (const side of sides) for (let w = 0; w < 2; w++) sink += await side.run(events);
const ns: number[][] = [[], []];
for (let b = 0; b < Number(blocks); b++) {
  // Alternate which side goes first, so neither always runs right after a GC of the other's garbage.
  for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) {
    const c0 = cpu();
    sink += await sides[i]!.run(events);
    ns[i]!.push(((cpu() - c0) * 1000) / events);
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const [a, b] = [median(ns[0]!), median(ns[1]!)];
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
// Per block new/base: the two jobs of a block ran within a second of each other, under the same load.
const ratios = ns[0]!.map((x, i) => x / ns[1]![i]!);
console.log(
  `${what}: base ${a.toFixed(1)} ns/event (${(1e3 / a).toFixed(2)}M ev/CPU-s, ${spread(ns[0]!)}), new ${b.toFixed(1)} ns/event (${(1e3 / b).toFixed(2)}M ev/CPU-s, ${spread(ns[1]!)}), speed new/base ${(a / b).toFixed(3)} (per block median ${median(ratios).toFixed(3)}, ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}), load ${os.loadavg()[0]!.toFixed(1)}, sink ${sink % 1000}`,
);
