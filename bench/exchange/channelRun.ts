/** What channel.bench.ts and channelOnce.ts share: the bid batches and one run through a worker channel. */
import type { Worker } from "node:worker_threads";
import type { EncodedBatch, RecordSchema } from "../../engine/src/exchange/BatchCodec.js";
import type { RecordBatch } from "../../engine/src/runtime/StreamElement.js";
import { BATCH, bidBatches } from "./bidBatches.js";
import { codecs, type Shape } from "./codecs.js";

export { BATCH };
export const IN_FLIGHT = 8;

/** Nexmark's bid as SQL sees it (the nexmark connector's `bid` ROW fields). */
export const BID_SCHEMA: RecordSchema = {
  fields: [
    { name: "auction", type: { name: "BIGINT" } },
    { name: "bidder", type: { name: "BIGINT" } },
    { name: "price", type: { name: "BIGINT" } },
    { name: "channel", type: { name: "STRING" } },
    { name: "url", type: { name: "STRING" } },
    { name: "dateTime", type: { name: "TIMESTAMP", params: [3] } },
    { name: "extra", type: { name: "STRING" } },
  ],
};

export const NUMBERS_SCHEMA: RecordSchema = { fields: BID_SCHEMA.fields.filter((f) => f.type.name !== "STRING") };
export const schemaOf = (shape: Shape): RecordSchema => (shape === "numbers" ? NUMBERS_SCHEMA : BID_SCHEMA);
export const label = (shape: Shape): string => (shape === "array" ? "SQL rows (arrays)" : shape === "object" ? "objects" : "numbers only (4 fields, arrays)");

/** Fresh batches per run: an encoder sees each bid once, as on a real channel (the dictionary grows as it would). */
export function batchesOf(shape: Shape, count: number): RecordBatch[] {
  return bidBatches<unknown>(count, (b) =>
    shape === "numbers"
      ? [b.auction, b.bidder, b.price, b.dateTime]
      : shape === "array"
        ? [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]
        : { auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, url: b.url, dateTime: b.dateTime, extra: b.extra },
  );
}

export interface Result {
  perSecond: number;
  encodeNs: number;
  decodeNs: number;
  bytes: number;
}

export async function run(worker: Worker, codecName: string, shape: Shape, batches: RecordBatch[]): Promise<Result> {
  const codec = codecs[codecName]!;
  const encoder = codec.encoder(schemaOf(shape));
  const next = () => new Promise<{ ms: number }>((resolve) => worker.once("message", resolve));
  worker.postMessage({ open: codecName, schema: schemaOf(shape), shape });
  await next();
  let encodeMs = 0;
  let decodeMs = 0;
  let bytes = 0;
  const t0 = performance.now();
  let sent = 0;
  let acked = 0;
  await new Promise<void>((done) => {
    const send = (): void => {
      const batch = batches[sent++] as RecordBatch;
      const e0 = performance.now();
      const encoded: EncodedBatch = encoder.encode(batch);
      for (const b of encoded.buffers) bytes += b.byteLength;
      worker.postMessage(encoded, encoded.buffers);
      encodeMs += performance.now() - e0;
    };
    const onAck = (m: { ms: number }): void => {
      decodeMs += m.ms;
      acked++;
      if (acked === batches.length) {
        worker.off("message", onAck);
        done();
      } else if (sent < batches.length) send();
    };
    worker.on("message", onAck);
    while (sent < Math.min(IN_FLIGHT, batches.length)) send();
  });
  const seconds = (performance.now() - t0) / 1000;
  const n = batches.length * BATCH;
  return { perSecond: n / seconds, encodeNs: (encodeMs * 1e6) / n, decodeNs: (decodeMs * 1e6) / n, bytes: bytes / n };
}
