/**
 * The producer side of a keyed exchange at p=2, in one thread, before/after: an OutputRouter with one
 * hash edge to a local channel (subtask 0) and a remote one (subtask 1: the worker channel's producer
 * end over a stand-in port), fed Nexmark bids in batches of 1024 as a q5 worker's `q5.auction` map
 * feeds its keyBy. Measured: process CPU per record routed, routing + the remote half's gathering,
 * encoding and post (the stand-in port hands each message's buffers straight back as credit, as a
 * consumer that decoded them would; nothing is decoded). Both `dist` directories are imported (their own
 * module instances) and timed in alternated blocks, so both see the same load.
 *
 * Shapes: `value` (the auction id: module q5's records), `row` (a row array with a string:
 * [auction, price, channel, bidder]).
 *
 * Usage: node --expose-gc dist/bench/exchange/routeEncode.js OLD_DIST NEW_DIST [value|row] [blocks=8] [records=1000000]
 */
import { pathToFileURL } from "node:url";
import type { Bid } from "../../engine/src/connectors/nexmark/index.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";
import { bidBatches } from "./bidBatches.js";

const [oldDist, newDist, shape = "value", blocks = "8", n = "1000000"] = process.argv.slice(2);
if (oldDist === undefined || newDist === undefined) throw new Error("usage: routeEncode.js OLD_DIST NEW_DIST [value|row] [blocks] [records]");
const records = Number(n);

type Router = typeof import("../../engine/src/runtime/OutputRouter.js");
type Channels = typeof import("../../engine/src/runtime/Channel.js");
type Remote = typeof import("../../engine/src/runtime/workers/RemoteChannels.js");
type Codecs = typeof import("../../engine/src/exchange/columnar/index.js");
type Message = { c?: string; e?: { kind: string; encoded?: { length: number } }; runs?: unknown[] };

const row: (b: Bid) => unknown = shape === "row" ? (b) => [b.auction, b.price, b.channel, b.bidder] : (b) => b.auction;
// 200 batches generated once and routed over and over: the exchange's cost, not the generator's.
const pool: RecordBatch[] = bidBatches(200 * 1024, row);

/** A producer step per batch; the thread's run of work ends (the remote channel posts) every TURN batches, as a q5 worker's ~1,260 records a message. */
const TURN = 2;

async function side(dist: string): Promise<(count: number) => Promise<void>> {
  const root = pathToFileURL(`${dist.replace(/\/$/, "")}/`);
  const { OutputRouter } = (await import(new URL("engine/src/runtime/OutputRouter.js", root).href)) as Router;
  const { Channel } = (await import(new URL("engine/src/runtime/Channel.js", root).href)) as Channels;
  const { DataPorts } = (await import(new URL("engine/src/runtime/workers/RemoteChannels.js", root).href)) as Remote;
  const { columnarCodec } = (await import(new URL("engine/src/exchange/columnar/index.js", root).href)) as Codecs;
  let receive: (message: unknown) => void = () => undefined;
  const port = {
    on: (_event: string, handler: (message: unknown) => void) => {
      receive = handler;
    },
    postMessage: (message: Message, transfer: ArrayBuffer[] = []) => {
      if (message.c === undefined) return;
      const runs = message.runs;
      const recordsIn = runs !== undefined ? runs.reduce<number>((s, r) => s + (typeof r === "number" ? r : 0), 0) : (message.e?.encoded?.length ?? 0);
      receive({ k: message.c, records: recordsIn, elements: runs?.length ?? 1, buffers: transfer });
    },
    close: () => undefined,
  };
  const ports = new DataPorts(
    new Map([[1, port as never]]),
    columnarCodec,
    () => undefined,
    (error) => {
      throw error;
    },
  );
  const node = {};
  const edge = { from: { name: "q5.auction", node }, to: { name: "window", node: {} }, tag: undefined, partitioning: { kind: "hash" }, inputIndex: 0 } as never;
  const local = new Channel(1 << 30, 1 << 30);
  const remote = ports.outTo(1, "0:0:1", 1 << 30, 1 << 30, edge);
  const keySelector = (auction: unknown) => (Array.isArray(auction) ? auction[0] : auction);
  const router = new OutputRouter<unknown>([
    { tagId: undefined, partitioning: { kind: "hash", keySelector }, channels: [local, remote], maxParallelism: 128, keyError: (cause) => Promise.reject(cause) },
  ]);
  let watermark = 0;
  return async (count) => {
    for (let b = 0; b * 1024 < count; b++) {
      const batch = pool[b % pool.length] as RecordBatch;
      router.emitBatch(batch.values, batch.timestamps);
      router.flush();
      if (b % TURN === TURN - 1) {
        if (b % (8 * TURN) === TURN - 1) router.broadcast({ kind: "watermark", timestamp: ++watermark });
        while (local.shift() !== undefined);
        await null; // the microtask that posts the remote channel's gathered records
      }
    }
    while (local.shift() !== undefined);
    await null;
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
const sides = [await side(oldDist), await side(newDist)];
for (const run of sides) await run(records); // warm-up
const ns: number[][] = [[], []];
for (let block = 0; block < Number(blocks); block++) {
  for (let s = 0; s < 2; s++) {
    const k = block % 2 === 0 ? s : 1 - s;
    gc?.();
    const before = process.cpuUsage();
    await (sides[k] as (count: number) => Promise<void>)(records);
    const used = process.cpuUsage(before);
    (ns[k] as number[]).push(((used.user + used.system) * 1000) / records);
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 === 1 ? (s[s.length >> 1] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ns/record (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
console.log(`shape ${shape}, ${records} records a block, ${blocks} blocks alternated`);
console.log(`old ${oldDist}: ${fmt(ns[0] as number[])}`);
console.log(`new ${newDist}: ${fmt(ns[1] as number[])}`);
console.log(`new/old ${(median(ns[1] as number[]) / median(ns[0] as number[])).toFixed(3)}`);
