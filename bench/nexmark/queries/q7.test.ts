/**
 * q7's pre-filter ahead of the exchange (BelowWindowTop): it keeps every bid that can be its window's
 * highest and little else, so at parallelism 2 few bids cross to the window's subtask. The query's output
 * itself is checked against DuckDB in nexmark.test.ts (p=1, p=2, and as a module job on workers).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sinks, StreamEnvironment, type Output } from "../../../engine/src/index.js";
import { Nexmark, type Bid } from "../../../engine/src/connectors/nexmark/index.js";
import { nexmarkEvents, TEN_SECONDS } from "./common.js";
import { BelowWindowTop, q7 } from "./q7.js";

const GENERATOR = { seed: 7, eventsPerSecond: 500 };
const COUNT = 30_000;

const nowhere: Output<Bid> = { emit() {}, emitBatch() {}, emitSide() {} };

function bid(dateTime: number, price: number): Bid {
  return { type: "bid", auction: 1, bidder: 1, price, channel: "", url: "", dateTime, extra: "" } as Bid;
}

test("BelowWindowTop keeps every bid at its window's top price (ties too) and drops most others", () => {
  const bids = Nexmark.events(GENERATOR, 0, COUNT).filter((e): e is Bid & { type: "bid" } => e.type === "bid");
  const top = new Map<number, number>();
  for (const b of bids) {
    const w = Math.floor(b.dateTime / TEN_SECONDS);
    top.set(w, Math.max(top.get(w) ?? -1, b.price));
  }
  const filter = new BelowWindowTop(nowhere);
  let kept = 0;
  for (const b of bids) {
    const k = filter.keep(b);
    if (k) kept++;
    if (b.price === top.get(Math.floor(b.dateTime / TEN_SECONDS))) assert.ok(k, `a window's top bid was dropped: ${JSON.stringify(b)}`);
  }
  assert.ok(top.size >= 6, `${top.size} windows`);
  assert.ok(kept < bids.length / 20, `kept ${kept} of ${bids.length} bids`);
});

test("BelowWindowTop: an equal price passes, an older window's bid passes, a newer window starts over", () => {
  const f = new BelowWindowTop(nowhere);
  assert.deepEqual(
    [f.keep(bid(10_000, 50)), f.keep(bid(10_001, 40)), f.keep(bid(10_002, 50)), f.keep(bid(20_000, 10)), f.keep(bid(19_999, 1)), f.keep(bid(20_001, 9))],
    [true, false, true, true, true, false],
  );
});

test("q7 at parallelism 2: only the pre-filtered bids reach the window's subtask", async () => {
  const env = StreamEnvironment.create({ parallelism: 2, batchSize: 256 });
  const out = sinks.collect<unknown>();
  q7.build(nexmarkEvents(env, { ...GENERATOR, count: COUNT })).sinkTo(out);
  const job = env.execute("q7");
  await job.wait();
  const ops = job.metrics().operators;
  const bids = ops.find((o) => o.name === "bids")!.recordsOut;
  const windowed = ops.find((o) => o.inputs.some((i) => i.partitioning === "hash"))!;
  assert.ok(bids > 20_000, `${bids} bids`);
  assert.ok(windowed.recordsIn < bids / 20, `${windowed.name} took ${windowed.recordsIn} of ${bids} bids`);
  assert.ok(out.values.length >= 6);
});
