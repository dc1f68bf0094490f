/**
 * A real Sluice kernel (bin/sluice.js on the Node.js running the test) and a minimal signed ZeroMQ
 * client of it: shell requests, everything iopub publishes, the kernel's stderr. For tests that
 * must see the wire itself, not a Jupyter client library's view of it.
 */
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

export interface ZmqKernel {
  /** Sends a shell request and resolves with its reply. */
  request(msgType: string, content: unknown): Promise<Message>;
  /** An execute_request of `code`, as a notebook sends it. */
  execute(code: string): Promise<Message>;
  /** Every iopub message so far, in arrival order. */
  readonly published: readonly Message[];
  /** The iopub reader's failure, if it failed before close. */
  readonly iopubError: unknown;
  /** The kernel's stderr so far (its log). */
  readonly stderr: string;
  close(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Starts a kernel in a fresh temporary directory with `env` added to this process's environment. */
export async function startZmqKernel(env: Record<string, string> = {}): Promise<ZmqKernel> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-zmq-kernel-"));
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
    env: { ...process.env, SLUICE_HISTORY: "off", ...env },
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
  let closed = false;
  void (async () => {
    for await (const frames of iopub) published.push(decode(frames, signer));
  })().catch((e: unknown) => {
    if (!closed) iopubError = e;
  });
  const request = async (msgType: string, content: unknown): Promise<Message> => {
    const header = makeHeader(msgType, session);
    await shell.send(encode({ identities: [], header, parent_header: {}, content }, signer));
    for (;;) {
      const reply = decode(await shell.receive(), signer);
      if (reply.parent_header.msg_id === header.msg_id) return reply;
    }
  };
  return {
    request,
    execute: (code) => request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }),
    published,
    get iopubError() {
      return iopubError;
    },
    get stderr() {
      return stderr;
    },
    close() {
      closed = true;
      shell.close();
      iopub.close();
      kernel.kill("SIGKILL");
    },
  };
}
