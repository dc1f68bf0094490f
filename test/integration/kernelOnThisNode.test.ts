/**
 * The kernel on the Node.js that runs this test, over ZeroMQ: CI runs this file on Node 24 while
 * every kernel Jupyter starts in the other tests runs on the machine's Node (scripts/test.sh), so
 * this is where zeromq's and @duckdb/node-api's prebuilt binaries, tslab and the engine are loaded
 * by the kernel on that Node. A TypeScript cell and a `%sql` cell, signed with the connection key.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zmq from "zeromq";
import { decode, encode } from "../../kernel/src/wire/framing.js";
import { makeHeader, type Message } from "../../kernel/src/wire/messages.js";
import { Signer } from "../../kernel/src/wire/signing.js";

const SLUICE = fileURLToPath(new URL("../../../bin/sluice.js", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

test(`a kernel on Node ${process.version} answers a TypeScript and a %sql cell over ZeroMQ`, { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-kernel-node-"));
  const info = {
    transport: "tcp",
    ip: "127.0.0.1",
    key: randomUUID(),
    signature_scheme: "hmac-sha256",
    shell_port: await freePort(),
    iopub_port: await freePort(),
    stdin_port: await freePort(),
    control_port: await freePort(),
    hb_port: await freePort(),
  };
  const file = join(dir, "connection.json");
  writeFileSync(file, JSON.stringify(info));
  const kernel = spawn(process.execPath, [SLUICE, "kernel", "--connection-file", file], {
    cwd: dir,
    env: { ...process.env, SLUICE_HISTORY: "off" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  kernel.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const signer = new Signer(info.signature_scheme, info.key);
  const session = randomUUID();
  const shell = new zmq.Dealer();
  shell.connect(`tcp://127.0.0.1:${info.shell_port}`);
  const iopub = new zmq.Subscriber();
  iopub.connect(`tcp://127.0.0.1:${info.iopub_port}`);
  iopub.subscribe();
  const published: Message[] = [];
  let iopubError: unknown;
  void (async () => {
    for await (const frames of iopub) published.push(decode(frames, signer));
  })().catch((e: unknown) => (iopubError = e)); // read by outputsOf; a close at the end lands here too
  /** Everything a request's outputs carried, once its idle status has arrived. */
  const outputsOf = async (msgId: string): Promise<string> => {
    const mine = () => published.filter((m) => m.parent_header.msg_id === msgId);
    while (!mine().some((m) => m.header.msg_type === "status" && m.content.execution_state === "idle")) {
      if (iopubError) throw iopubError;
      await new Promise((r) => setTimeout(r, 20));
    }
    return JSON.stringify(
      mine()
        .filter((m) => m.header.msg_type !== "status")
        .map((m) => m.content),
    );
  };
  try {
    const request = async (msgType: string, content: unknown): Promise<Message> => {
      const header = makeHeader(msgType, session);
      await shell.send(encode({ identities: [], header, parent_header: {}, content }, signer));
      for (;;) {
        const reply = decode(await shell.receive(), signer);
        if (reply.parent_header.msg_id === header.msg_id) return reply;
      }
    };
    const info_ = await request("kernel_info_request", {});
    assert.equal(info_.header.msg_type, "kernel_info_reply", stderr);
    assert.match(String(info_.content.banner), new RegExp(`Node\\.js ${process.version.replace(/\./g, "\\.")}`));

    const execute = (code: string) => request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const ts = await execute("const xs: number[] = [1, 2, 3];\nxs.reduce((a, b) => a + b, 0)");
    assert.equal(ts.content.status, "ok", JSON.stringify(ts.content));
    assert.match(await outputsOf(String(ts.parent_header.msg_id)), /"text\/plain":"6"/);
    const sql = await execute("%sql select 40 + 2 as answer");
    assert.equal(sql.content.status, "ok", JSON.stringify(sql.content));
    assert.match(await outputsOf(String(sql.parent_header.msg_id)), /answer[\s\S]*42/);
  } finally {
    shell.close();
    iopub.close();
    kernel.kill("SIGKILL");
  }
});
