/**
 * A remote channel posts what its producer pushed in one run of work as one message; of consecutive
 * watermarks in it only the highest crosses (RemoteChannels.ts), and only it counts against the
 * channel's room. Records, other elements and their order are kept. Both ends on this thread, over a
 * real MessageChannel. Fast: a few ms.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MessageChannel } from "node:worker_threads";
import { cloneCodec } from "../../exchange/BatchCodec.js";
import type { PlanEdge } from "../../graph/JobPlan.js";
import type { StreamNode } from "../../graph/StreamGraph.js";
import type { Channel } from "../Channel.js";
import type { StreamElement } from "../StreamElement.js";
import { DataPorts } from "./RemoteChannels.js";

const wm = (timestamp: number): StreamElement => ({ kind: "watermark", timestamp });
const records = (...ids: number[]): StreamElement => ({ kind: "records", batch: { values: ids.map((id) => ({ id })), timestamps: ids } });

/** An edge between two nodes without a row type (its batches cross by the codec's inferred or clone path). */
function edge(): PlanEdge {
  const node = (id: number) => ({ id, name: `op${id}` }) as unknown as StreamNode;
  const from = { node: node(1), name: "op1" };
  const to = { node: node(2), name: "op2" };
  return { from, to, tag: undefined, partitioning: { kind: "rebalance" }, inputIndex: 0 } as unknown as PlanEdge;
}

async function connected(maxElements: number): Promise<{ out: Channel; input: Channel; received: () => Promise<StreamElement[]>; close: () => void }> {
  const { port1, port2 } = new MessageChannel();
  const fail = (error: unknown) => assert.fail(String(error));
  const producer = new DataPorts(new Map([[1, port1]]), cloneCodec, () => undefined, fail);
  let arrived = 0;
  const consumer = new DataPorts(new Map([[0, port2]]), cloneCodec, () => arrived++, fail);
  const out = producer.outTo(1, "e", 1000, maxElements, edge());
  const input = consumer.inFrom(0, "e", 1000, maxElements);
  const received = async () => {
    // Await the message itself (each delivery notifies), never a fixed time.
    while (arrived === 0) await new Promise((resolve) => setImmediate(resolve));
    arrived = 0;
    const elements: StreamElement[] = [];
    for (let e = input.shift(); e !== undefined; e = input.shift()) elements.push(e);
    return elements;
  };
  return { out, input, received, close: () => producer.close() };
}

test("consecutive watermarks pushed in one run of work cross as the highest; records and their order stay", async () => {
  const { out, received, close } = await connected(64);
  for (const e of [wm(1), wm(2), records(3, 4), wm(4), wm(6), wm(5), { kind: "status", idle: true } as const, wm(7), wm(8), records(9)]) out.push(e);
  assert.deepStrictEqual(await received(), [wm(2), records(3, 4), wm(6), { kind: "status", idle: true }, wm(8), records(9)]);
  close();
});

test("watermarks that replace one another take no room: a run of them does not fill the channel's element budget", async () => {
  const { out, received, close } = await connected(8);
  for (let t = 1; t <= 20; t++) out.push(wm(t));
  assert.ok(out.hasRoom, "20 watermarks in one run of work are one element in flight");
  assert.deepStrictEqual(await received(), [wm(20)]);
  close();
});
