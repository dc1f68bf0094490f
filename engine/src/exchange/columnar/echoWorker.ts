/** The far end of columnarCodec.test.ts's worker trip: decodes each batch and sends it back encoded again. */
import { parentPort, workerData } from "node:worker_threads";
import type { EncodedBatch, RecordSchema } from "../BatchCodec.js";
import { columnarCodec } from "./columnarCodec.js";

const schema = workerData as RecordSchema;
const decoder = columnarCodec.decoder(schema);
const encoder = columnarCodec.encoder(schema);
parentPort?.on("message", (encoded: EncodedBatch) => {
  const back = encoder.encode(decoder.decode(encoded));
  parentPort?.postMessage(back, back.buffers);
});
