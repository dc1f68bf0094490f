import { test } from "node:test";
import assert from "node:assert/strict";
import { Dispatcher } from "./dispatcher.js";
import { makeHeader, type Message } from "../wire/messages.js";
import type { KernelServices } from "./services.js";

/** A fake outbox (the collaborator): what the dispatcher published and replied, in order. */
function harness(failReplyFor = new Set<string>()) {
  const sent: string[] = [];
  let settle: () => void = () => {};
  const outbox = {
    publish: async (type: string, content: { execution_state?: string }, parent: { msg_type?: string }) => {
      sent.push(`${parent.msg_type}:${type === "status" ? content.execution_state : type}`);
      if (content.execution_state === "idle") settle();
    },
    reply: async (_channel: string, _ids: Buffer[], type: string, _content: unknown, parent: { msg_type?: string }) => {
      if (failReplyFor.has(parent.msg_type ?? "")) throw new Error("reply could not be encoded");
      sent.push(`${parent.msg_type}:${type}`);
    },
  };
  const dispatcher = new Dispatcher({ outbox } as unknown as KernelServices);
  /** Sends the requests on one channel and waits until every one of them has gone idle. */
  const run = async (channel: "shell" | "control", types: string[]) => {
    const idle = (n: number) => sent.filter((s) => s.endsWith(":idle")).length >= n;
    const target = sent.filter((s) => s.endsWith(":idle")).length + types.length;
    const done = new Promise<void>((resolve) => {
      settle = () => idle(target) && resolve();
    });
    for (const t of types) dispatcher.onRequest(channel, request(t));
    await done;
  };
  return { sent, run };
}

function request(msgType: string): Message {
  return { identities: [Buffer.from("client")], header: makeHeader(msgType, "s"), parent_header: {}, metadata: {}, content: {}, buffers: [] };
}

const PROTOTYPE_NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "__defineGetter__", "isPrototypeOf"];

for (const channel of ["shell", "control"] as const) {
  test(`${channel}: msg_types named like Object.prototype members are unknown: busy, idle, no reply, and the queue goes on`, async () => {
    const { sent, run } = harness();
    await run(channel, [...PROTOTYPE_NAMES, "kernel_info_request"]);
    for (const name of PROTOTYPE_NAMES)
      assert.deepEqual(
        sent.filter((s) => s.startsWith(`${name}:`)),
        [`${name}:busy`, `${name}:idle`],
      );
    assert.ok(sent.includes("kernel_info_request:kernel_info_reply"), sent.join(" "));
  });
}

test("a reply that throws is logged, idle still goes out, and the requests behind it are served", async () => {
  const { sent, run } = harness(new Set(["comm_info_request"]));
  await run("shell", ["comm_info_request", "kernel_info_request"]);
  assert.deepEqual(sent, ["comm_info_request:busy", "comm_info_request:idle", "kernel_info_request:busy", "kernel_info_request:kernel_info_reply", "kernel_info_request:idle"]);
});
