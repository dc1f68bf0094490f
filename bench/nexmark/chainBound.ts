/**
 * What chaining a filter into the map after it (Flink's operator chaining, at the batch level) could
 * save, measured before building it: q0's `bids(events).map(...)` as the engine runs it (two tasks, the
 * filter's kept records copied into a batch of their own) against the same two functions in ONE
 * hand-written operator (`DataStream.transform`: one task, no intermediate batch), and the steps in
 * between (a keep-all filter, the bid filter, an identity map), all in one process, alternating, as
 * overhead.js does. The fused rows are an upper bound: they skip the filter's metrics and dead letters.
 *
 * Usage: node dist/bench/nexmark/chainBound.js [blocks=6] [events=500000]
 */
import os from "node:os";
import type { DataStream, Operator, OperatorContext, Sink } from "../../engine/src/index.js";
import { StreamEnvironment } from "../../engine/src/index.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";
import type { Bid, NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";
import { bids } from "./queries/common.js";
import { nexmarkEvents, QUERIES } from "./queries/index.js";

const [blocks = "6", n = "500000"] = process.argv.slice(2);
const events = Number(n);

type Loop = (pred: (v: unknown) => boolean, fn: (v: unknown) => unknown, values: readonly unknown[], timestamps: readonly number[], positions: Int32Array) => RecordBatch;
// Compiled per operator (as recordLoops.ts does), so each pair of functions has call sites of its own.
const LOOP = `"use strict";
return function fused(pred, fn, values, timestamps, positions) {
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (pred(values[i])) positions[kept++] = i;
  const out = new Array(kept);
  const ts = new Array(kept);
  for (let k = 0; k < kept; k++) {
    const at = positions[k];
    out[k] = fn(values[at]);
    ts[k] = timestamps[at];
  }
  return { values: out, timestamps: ts };
};`;

function fused<I, O>(stream: DataStream<I>, pred: (v: I) => boolean, fn: (v: I) => O): DataStream<O> {
  const loop = new Function(LOOP)() as Loop;
  return stream.transform<O>("filter+map", (ctx: OperatorContext<O>): Operator<I> => {
    let positions = new Int32Array(0);
    return {
      processBatch(batch) {
        if (positions.length < batch.values.length) positions = new Int32Array(batch.values.length);
        const out = loop(pred as (v: unknown) => boolean, fn as (v: unknown) => unknown, batch.values, batch.timestamps, positions);
        ctx.output.emitBatch(out.values as O[], out.timestamps);
      },
    };
  });
}

const isBid = (e: NexmarkEvent) => e.type === "bid";
const q0Row = (b: Bid) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });
/** What a target builds: a stream the blackhole can take. */
interface Built {
  sinkTo(sink: Sink<unknown>): unknown;
}
const TARGETS: Record<string, (e: DataStream<NexmarkEvent>) => Built> = {
  genjob: (e) => e,
  keepAll: (e) => e.filter(() => true),
  bids: (e) => bids(e),
  bidsIdentity: (e) => bids(e).map((b) => b),
  fusedIdentity: (e) => fused(e, isBid, (b) => b),
  q0: (e) => QUERIES.q0!.build(e),
  fusedQ0: (e) => fused(e, isBid, (b) => q0Row(b as Bid)),
};

let outputs = 0;
const sink: Sink<unknown> = { name: "blackhole", createWriter: () => ({ write: (values) => void (outputs += values.length) }) };

async function run(what: string, count: number): Promise<void> {
  const env = StreamEnvironment.create({ parallelism: 1 });
  TARGETS[what]!(nexmarkEvents(env, { count })).sinkTo(sink);
  await env.execute(what).wait();
}

const names = Object.keys(TARGETS);
for (const what of names) await run(what, events);
const ns = new Map<string, number[]>(names.map((w) => [w, []]));
for (let b = 0; b < Number(blocks); b++) {
  for (const what of names) {
    const c0 = process.cpuUsage();
    await run(what, events);
    const c = process.cpuUsage(c0);
    ns.get(what)!.push(((c.user + c.system) * 1000) / events);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
// Medians and minimums both: a neighbour's burst on the shared machine lands in single blocks.
const base = median(ns.get("genjob")!);
const baseMin = Math.min(...ns.get("genjob")!);
for (const what of names) {
  const xs = ns.get(what)!;
  const m = median(xs);
  const min = Math.min(...xs);
  const blocksText = xs.map((x) => x.toFixed(0)).join(" ");
  console.log(`${what}: median ${m.toFixed(1)} ns/event (${(m - base).toFixed(1)} over genjob), min ${min.toFixed(1)} (${(min - baseMin).toFixed(1)}); blocks ${blocksText}`);
}
console.log(`load ${os.loadavg()[0]!.toFixed(1)}, outputs ${outputs}`);
