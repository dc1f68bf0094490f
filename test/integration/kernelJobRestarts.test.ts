/**
 * A job failing and restarting in a notebook, seen by a real client of the real kernel (this
 * worktree's bin/sluice.js over ZeroMQ): while the restart strategy waits, the job's status line says
 * "restarting (n/max)" with the failure (operator and record); once it runs again, "restarts n/max
 * (last: …)"; the kernel's log has a line per restart. Before this, a job restarting in a loop
 * looked like a hang.
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

/** Fails on 7 twice, restarts after 1 s each time (several 250 ms status polls see it restarting), then finishes. */
const CELL = `
const env = StreamEnvironment.create().enableCheckpointing({ directory: "checkpoints" });
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 1_000));
let failures = 2;
env.fromArray([1, 7]).map((x) => {
  if (x === 7 && failures-- > 0) throw new Error("boom at 7");
  return x;
}).uid("map").sinkTo(sinks.collect<number>());
env.execute("flaky");
`;

test("a restarting job's status line and the kernel log say restarting (n/max) and why, through the real kernel", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-kernel-restarts-"));
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
    env: { ...process.env, SLUICE_HISTORY: "off", SLUICE_LIVE_UPDATE_MS: "250" },
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
  void (async () => {
    for await (const frames of iopub) published.push(decode(frames, signer));
  })().catch(() => undefined); // the close at the end lands here
  try {
    const request = async (msgType: string, content: unknown): Promise<Message> => {
      const header = makeHeader(msgType, session);
      await shell.send(encode({ identities: [], header, parent_header: {}, content }, signer));
      for (;;) {
        const reply = decode(await shell.receive(), signer);
        if (reply.parent_header.msg_id === header.msg_id) return reply;
      }
    };
    // The iopub subscription is live once the kernel's status messages arrive.
    await request("kernel_info_request", {});
    const reply = await request("execute_request", { code: CELL, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    assert.equal(reply.content.status, "ok", `${JSON.stringify(reply.content)}\n${stderr}`);
    const cellId = String(reply.parent_header.msg_id);
    const lines = () =>
      published
        .filter((m) => m.parent_header.msg_id === cellId && (m.header.msg_type === "display_data" || m.header.msg_type === "update_display_data"))
        .map((m) => String((m.content.data as Record<string, unknown>)["text/plain"] ?? ""))
        .filter((t) => t.includes('job "flaky"'));
    for (let i = 0; i < 100 && !lines().some((t) => t.startsWith("✔")); i++) await new Promise((r) => setTimeout(r, 20));
    const seen = lines();
    const cause = /User function failed in job 'flaky', operator 'map' \(subtask 0\): boom at 7; record: 7/;
    const restarting = seen.find((t) => t.startsWith("↻ restarting (1/3) from the start: "));
    assert.ok(restarting, `no restarting status line among:\n${seen.join("\n")}`);
    assert.match(restarting, cause);
    const final = seen.at(-1) ?? "";
    assert.match(final, /^✔ finished · job "flaky" · .* · restarts 2\/3 \(last: User function failed in job 'flaky', operator 'map'/, seen.join("\n"));
    assert.match(
      stderr,
      /\[sluice warn\] job restarting \{"job":"flaky","restart":"1\/3","restoringFrom":"start","failure":"User function failed in job 'flaky', operator 'map' \(subtask 0\): boom at 7\\n {2}record: 7"\}/,
    );
  } finally {
    shell.close();
    iopub.close();
    kernel.kill("SIGKILL");
  }
});
