/**
 * Prototype (issue 15): what columnar batches would give Nexmark's bid queries q0–q2, measured against
 * today's object path. Not the engine: a standalone loop, so it shows the ceiling, not an implementation.
 *
 * The columnar generator draws exactly the random numbers of `NexmarkGenerator.bid` (checked below
 * against the object generator event by event) but writes bids into typed-array columns: ids, price
 * and time as numbers, `channel`/`url` as an index into Nexmark's channel table (dictionary encoding)
 * and `extra` as (offset, length) into the 1 MB padding pool it is a slice of — no object and no string
 * per bid. People and auctions (4 events in 50) are still generated as objects.
 * q0 is then a projection (hand the columns on), q1 a map over one column, q2 a filter producing a
 * selection vector and a gather of two columns.
 *
 * Usage: node dist/bench/nexmark/columnar.bench.js [events=3000000] [reps=5]
 */
import { Nexmark, NexmarkGenerator, DEFAULT_NEXMARK_CONFIG, type Bid, type NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";
import { NexmarkRandom } from "../../engine/src/connectors/nexmark/NexmarkRandom.js";
import { price as nextPrice } from "../../engine/src/connectors/nexmark/prices.js";
import { channels, HOT_CHANNELS } from "../../engine/src/connectors/nexmark/strings.js";
import { ManualClock } from "../../engine/src/testing/ManualClock.js";

const events = Number(process.argv[2] ?? 3_000_000);
const reps = Number(process.argv[3] ?? 5);
const BATCH = 1024;
const c = DEFAULT_NEXMARK_CONFIG;
const TOTAL = c.personProportion + c.auctionProportion + c.bidProportion;

// The generator's padding pool, rebuilt with the same formula (strings.ts).
const POOL_LENGTH = 1024 * 1024;
const pool = (() => {
  const rng = new NexmarkRandom();
  rng.reset(0x5eed, 0);
  const bytes = Buffer.allocUnsafe(POOL_LENGTH);
  for (let i = 0; i < POOL_LENGTH; i++) bytes[i] = 97 + rng.nextInt(26);
  return bytes.toString("latin1");
})();
const tables = channels();

/** One batch of bids, column by column. `channel` >= 0 indexes the 10,000 channels, -1-i the hot ones. */
class BidColumns {
  n = 0;
  readonly auction = new Float64Array(BATCH);
  readonly bidder = new Float64Array(BATCH);
  readonly price = new Float64Array(BATCH);
  readonly dateTime = new Float64Array(BATCH);
  readonly channel = new Int32Array(BATCH);
  readonly extraOffset = new Int32Array(BATCH);
  readonly extraLength = new Int32Array(BATCH);
}

/** Events [from, to) into `out` (bids) and `others` (people, auctions as objects): the draws of NexmarkGenerator. */
function generateColumns(gen: NexmarkGenerator, rng: NexmarkRandom, from: number, to: number, out: BidColumns, others: NexmarkEvent[]): void {
  out.n = 0;
  others.length = 0;
  const pp = c.personProportion;
  const ap = c.auctionProportion;
  for (let n = from; n < to; n++) {
    const rem = n % TOTAL;
    if (rem < pp + ap) {
      others.push(gen.event(n));
      continue;
    }
    rng.reset(c.seed, n);
    const ts = c.baseTime + Math.floor((n * 1000) / c.eventsPerSecond);
    const epoch = Math.floor(n / TOTAL);
    const lastAuction = epoch * ap + ap - 1;
    const lastPerson = epoch * pp + pp - 1;
    let auction: number;
    if (rng.nextInt(c.hotAuctionRatio) > 0) auction = Math.floor(lastAuction / 100) * 100;
    else {
      const min = Math.max(lastAuction - c.numInFlightAuctions, 0);
      auction = min + rng.nextInt(lastAuction - min + 1 + 10);
    }
    let bidder: number;
    if (rng.nextInt(c.hotBiddersRatio) > 0) bidder = Math.floor(lastPerson / 100) * 100 + 1;
    else {
      const numPeople = lastPerson + 1;
      const active = Math.min(numPeople, c.numActivePeople);
      bidder = numPeople - active + rng.nextInt(active + 10);
    }
    const price = nextPrice(rng.nextU32());
    const channel = rng.nextInt(2) > 0 ? -1 - rng.nextInt(HOT_CHANNELS.length) : rng.nextInt(tables.channels.length);
    // nextExtra(rng, 32, avgBidByteSize) then nextExactString's offset draw.
    const desired = c.avgBidByteSize - 32;
    const delta = Math.round(desired * 0.2);
    const size = desired - delta + (delta === 0 ? 0 : rng.nextInt(2 * delta));
    const offset = rng.nextInt(POOL_LENGTH - size);
    const i = out.n++;
    out.auction[i] = auction + 1000;
    out.bidder[i] = bidder + 1000;
    out.price[i] = price;
    out.dateTime[i] = ts;
    out.channel[i] = channel;
    out.extraOffset[i] = offset;
    out.extraLength[i] = size;
  }
}

/** The columnar generator gives the object generator's bids, field by field. */
function verify(count: number): void {
  const gen = new NexmarkGenerator();
  const rng = new NexmarkRandom();
  const cols = new BidColumns();
  const others: NexmarkEvent[] = [];
  let checked = 0;
  for (let from = 0; from < count; from += BATCH) {
    generateColumns(gen, rng, from, Math.min(count, from + BATCH), cols, others);
    const expected = Nexmark.events({}, from, Math.min(count, from + BATCH)).filter((e): e is Bid => e.type === "bid");
    for (let i = 0; i < cols.n; i++) {
      const e = expected[i]!;
      const ch = cols.channel[i]!;
      const channel = ch < 0 ? HOT_CHANNELS[-1 - ch] : tables.channels[ch];
      const url = ch < 0 ? tables.hotUrls[-1 - ch] : tables.urls[ch];
      const extra = pool.substring(cols.extraOffset[i]!, cols.extraOffset[i]! + cols.extraLength[i]!);
      const got = { type: "bid", auction: cols.auction[i], bidder: cols.bidder[i], price: cols.price[i], channel, url, dateTime: cols.dateTime[i], extra };
      if (JSON.stringify(got) !== JSON.stringify(e)) throw new Error(`columnar bid differs at batch ${from}, row ${i}: ${JSON.stringify(got)} vs ${JSON.stringify(e)}`);
      checked++;
    }
  }
  console.log(`verified: ${checked} bids equal the object generator's`);
}

let sink = 0;
const MOD = 2 ** 50;

type Variant = (count: number) => void;

const objectsGenerator: Variant = (count) => {
  const reader = Nexmark.source({ count }).createReader({ subtask: 0, parallelism: 1, clock: new ManualClock(0), jobName: "g", badRecord: () => {} });
  for (;;) {
    const poll = reader.poll(BATCH) as { values: NexmarkEvent[]; end?: boolean };
    sink += poll.values.length;
    if (poll.end === true) return;
  }
};

function columnar(query: (cols: BidColumns) => void): Variant {
  return (count) => {
    const gen = new NexmarkGenerator();
    const rng = new NexmarkRandom();
    const cols = new BidColumns();
    const others: NexmarkEvent[] = [];
    for (let from = 0; from < count; from += BATCH) {
      generateColumns(gen, rng, from, Math.min(count, from + BATCH), cols, others);
      query(cols);
    }
  };
}

/** q0: the projection is the columns themselves; the sink sums auction + bidder + price (the benchmark's fingerprint). */
const q0 = columnar((cols) => {
  let s = sink;
  for (let i = 0; i < cols.n; i++) s += cols.auction[i]! + cols.bidder[i]! + cols.price[i]!;
  sink = s % MOD;
});
/** q1: a new price column, price * 908 / 1000. */
const euros = new Float64Array(BATCH);
const q1 = columnar((cols) => {
  for (let i = 0; i < cols.n; i++) euros[i] = (cols.price[i]! * 908) / 1000;
  let s = sink;
  for (let i = 0; i < cols.n; i++) s += Math.round(euros[i]! * 1000);
  sink = s % MOD;
});
/** q2: selection vector of auction % 123 === 0, gather auction and price. */
const selection = new Int32Array(BATCH);
const q2 = columnar((cols) => {
  let k = 0;
  for (let i = 0; i < cols.n; i++) if (cols.auction[i]! % 123 === 0) selection[k++] = i;
  let s = sink;
  for (let j = 0; j < k; j++) s += cols.auction[selection[j]!]! + cols.price[selection[j]!]!;
  sink = s % MOD;
});

const VARIANTS: [string, Variant][] = [
  ["objects: generator alone (reader.poll)", objectsGenerator],
  ["columnar: generator alone", columnar(() => {})],
  ["columnar: q0", q0],
  ["columnar: q1", q1],
  ["columnar: q2", q2],
];

verify(100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [, run] of VARIANTS) run(Math.min(events, 1_000_000)); // warm-up
const rows: string[] = [];
for (const [name, run] of VARIANTS) {
  const perCpu: number[] = [];
  const perWall: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run(events);
    const wall = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    perWall.push(events / wall);
    perCpu.push(events / ((cu.user + cu.system) / 1e6));
  }
  rows.push(`| ${name} | ${Math.round(median(perWall)).toLocaleString("en-US")} | ${Math.round(median(perCpu)).toLocaleString("en-US")} |`);
}
console.log(`\n${events.toLocaleString("en-US")} events, median of ${reps}, load average ${(await import("node:os")).loadavg()[0]!.toFixed(2)} (sink ${sink})`);
console.log("| variant | events/s | events per CPU-second |\n|---|---|---|");
for (const r of rows) console.log(r);
