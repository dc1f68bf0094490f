/**
 * One codec, one record shape, through a worker channel, as a whole process: for timing from outside
 * (CPU of both threads, paired against another codec or against `none`, which only generates the
 * batches, so the difference is the channel's cost). Prints records/s of the channel part.
 * A whole-process timer with public tools: `/usr/bin/time -v node dist/bench/exchange/channelOnce.js …`.
 *
 * Usage: node dist/bench/exchange/channelOnce.js <clone|columnar|none> <array|object|numbers> [records=500000]
 */
import { Worker } from "node:worker_threads";
import { BATCH, batchesOf, run } from "./channelRun.js";
import type { Shape } from "./codecs.js";

const [codec = "columnar", shape = "array", records = "500000"] = process.argv.slice(2);
// 100 batches generated once and sent over and over: the channel's cost, not the generator's, grows with `records`.
const pool = batchesOf(shape as Shape, 100 * BATCH);
const batches = Array.from({ length: Math.ceil(Number(records) / BATCH) }, (_, i) => pool[i % pool.length] as (typeof pool)[number]);
if (codec !== "none") {
  const worker = new Worker(new URL("./channelWorker.js", import.meta.url));
  const result = await run(worker, codec, shape as Shape, batches);
  await worker.terminate();
  console.log(JSON.stringify({ codec, shape, records: Number(records), perSecond: Math.round(result.perSecond) }));
}
