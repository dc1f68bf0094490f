/**
 * The receiving subtask of channel.bench.ts: decodes each batch with the codec it is told, reads every
 * field of every record (as a downstream operator would), and acknowledges the batch (the channel's
 * credit) with the time decoding and reading took.
 */
import { parentPort } from "node:worker_threads";
import type { BatchDecoder, EncodedBatch, RecordSchema } from "../../engine/src/exchange/BatchCodec.js";
import { codecs, type Shape } from "./codecs.js";

let decoder: BatchDecoder | undefined;
let shape: Shape = "array";
let sink = 0;

parentPort?.on("message", (m: { open: string; schema: RecordSchema; shape: Shape } | EncodedBatch) => {
  if ("open" in m) {
    decoder = (codecs[m.open] ?? codecs.clone)!.decoder(m.schema);
    shape = m.shape;
    parentPort?.postMessage({ opened: true });
    return;
  }
  const t0 = performance.now();
  const batch = (decoder as BatchDecoder).decode(m);
  let s = 0;
  if (shape === "numbers") {
    for (const r of batch.values as number[][]) s += (r[0] as number) + (r[1] as number) + (r[2] as number) + (r[3] as number);
  } else if (shape === "array") {
    for (const r of batch.values as unknown[][])
      s += (r[0] as number) + (r[1] as number) + (r[2] as number) + (r[5] as number) + (r[3] as string).length + (r[4] as string).length + (r[6] as string).length;
  } else {
    for (const r of batch.values as { auction: number; bidder: number; price: number; dateTime: number; channel: string; url: string; extra: string }[])
      s += r.auction + r.bidder + r.price + r.dateTime + r.channel.length + r.url.length + r.extra.length;
  }
  for (const t of batch.timestamps) s += t;
  sink = (sink + s) % 2 ** 50;
  parentPort?.postMessage({ ms: performance.now() - t0, sink });
});
