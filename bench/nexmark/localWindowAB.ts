/**
 * Before/after of the local window phase's per-row fold (sql/windows/localWindowAggregate.ts) in ONE process, on
 * what it folds in SQL q5 at p=2: the bids of one subtask's events (every other poll of 1,024 events), COUNT(*)
 * per auction into 2 s slices of HOP(10 s, 2 s), a watermark 4 s behind after each poll. Imports the operator
 * from two `dist` directories, alternates them in blocks and prints per side the median process CPU nanoseconds
 * per bid (the rows made per poll included, the same on both sides), its spread, and the ratio. No exchange, no
 * generator: the fold alone, so a few ns per row show.
 *
 * Usage: node --expose-gc dist/bench/nexmark/localWindowAB.js OLD_DIST NEW_DIST [blocks=12] [events=2000000]
 */
import os from "node:os";
import { pathToFileURL } from "node:url";

const [oldDist, newDist, blocks = "12", n = "2000000"] = process.argv.slice(2);
if (oldDist === undefined || newDist === undefined) throw new Error("usage: localWindowAB.js OLD_DIST NEW_DIST [blocks] [events]");

type Row = unknown[];
type Local = typeof import("../../engine/src/operators/LocalWindowAggregate.js");
type Harness = typeof import("../../engine/src/testing/OperatorHarness.js");
type Assigners = typeof import("../../engine/src/windows/WindowAssigner.js");
type Generator = typeof import("../../engine/src/connectors/nexmark/NexmarkGenerator.js");

const POLL = 1024;
const DELAY = 4000;

/** One subtask's polls at p=2: each poll's bids as auction ids, prices and timestamps (rows are made per run, as a Calc makes them). */
interface Poll {
  auctions: Float64Array;
  prices: Float64Array;
  timestamps: number[];
}

async function polls(dist: string, events: number): Promise<Poll[]> {
  const { NexmarkGenerator } = (await import(new URL("engine/src/connectors/nexmark/NexmarkGenerator.js", dist).href)) as Generator;
  const gen = new NexmarkGenerator({ eventsPerSecond: 10000 });
  const out: Poll[] = [];
  for (let from = 0; from < events; from += 2 * POLL) {
    const auctions: number[] = [];
    const prices: number[] = [];
    const timestamps: number[] = [];
    for (let i = from; i < Math.min(from + POLL, events); i++) {
      const e = gen.event(i);
      if (e.type !== "bid") continue;
      auctions.push(e.auction);
      prices.push(e.price);
      timestamps.push(e.dateTime);
    }
    out.push({ auctions: Float64Array.from(auctions), prices: Float64Array.from(prices), timestamps });
  }
  return out;
}

async function side(spec: string): Promise<(input: Poll[]) => Promise<void>> {
  const root = pathToFileURL(`${spec.replace(/\/$/, "")}/`);
  const { LocalWindowAggregateOperator } = (await import(new URL("engine/src/operators/LocalWindowAggregate.js", root).href)) as Local;
  const { OperatorHarness } = (await import(new URL("engine/src/testing/OperatorHarness.js", root).href)) as Harness;
  const { SlidingEventTimeWindows } = (await import(new URL("engine/src/windows/WindowAssigner.js", root).href)) as Assigners;
  // COUNT(*)'s scalar accumulator as windowAggregate.ts builds it.
  const count = { initial: 0, add: (acc: unknown, v: unknown) => (v === null || v === undefined ? acc : (acc as number) + 1) };
  const arg: ((r: Row) => unknown) | undefined = undefined as ((r: Row) => unknown) | undefined;
  const agg = {
    createAccumulator: () => count.initial,
    add: (r: Row, acc: unknown) => count.add(acc, arg ? arg(r) : 1),
    getResult: (acc: unknown) => acc,
    merge: (a: unknown, b: unknown) => (a as number) + (b as number),
  };
  return async (input) => {
    const h = await OperatorHarness.create<Row, unknown>((ctx) => new LocalWindowAggregateOperator(SlidingEventTimeWindows.of(10000, 2000), (r) => r[0] ?? null, agg, ctx as never, 2000));
    for (const { auctions, prices, timestamps } of input) {
      const values: Row[] = new Array(auctions.length);
      for (let i = 0; i < values.length; i++) values[i] = [auctions[i], prices[i], timestamps[i]];
      h.processElements(values, timestamps);
      h.processWatermark((timestamps.at(-1) ?? 0) - DELAY);
      h.output.length = 0;
      h.outputTimestamps.length = 0;
    }
  };
}

const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const dists = [oldDist, newDist].map((d) => pathToFileURL(`${d.replace(/\/$/, "")}/`).href);
const input = await polls(dists[1] as string, Number(n));
const bids = input.reduce((s, p) => s + p.auctions.length, 0);
const sides = [await side(oldDist), await side(newDist)];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
for (const run of sides) for (let w = 0; w < 3; w++) await run(input);
const ns: number[][] = [[], []];
for (let b = 0; b < Number(blocks); b++) {
  for (const i of b % 2 === 0 ? [0, 1] : [1, 0]) {
    gc();
    const c0 = cpu();
    await (sides[i] as (typeof sides)[0])(input);
    (ns[i] as number[]).push(((cpu() - c0) * 1000) / bids);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const [a, b] = [median(ns[0] as number[]), median(ns[1] as number[])];
console.log(
  `local window fold, ${bids} bids of one p=2 subtask: old ${a.toFixed(1)} ns/bid (${spread(ns[0] as number[])}), new ${b.toFixed(1)} ns/bid (${spread(ns[1] as number[])}), new/old ${(b / a).toFixed(3)}, load ${(os.loadavg()[0] as number).toFixed(1)}`,
);
