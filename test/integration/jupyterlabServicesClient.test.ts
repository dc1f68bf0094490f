/**
 * Drives the kernel the way JupyterLab does: @jupyterlab/services over a real Jupyter Server's
 * REST and WebSocket API. Start, execute with streaming, interrupt a busy loop, restart, shut down.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import WebSocket from "ws";
import { RunningServer, startJupyterServer } from "../support/jupyterServer.js";

let server: RunningServer;
let manager: KernelManager;
let kernel: Kernel.IKernelConnection;

before(async () => {
  server = await startJupyterServer();
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: server.baseUrl,
    wsUrl: server.baseUrl.replace("http", "ws"),
    token: server.token,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  manager = new KernelManager({ serverSettings });
  await manager.ready;
  kernel = await manager.startNew({ name: "sluice" });
});

after(async () => {
  try {
    manager?.dispose();
  } finally {
    await server?.stop();
  }
});

async function execute(code: string): Promise<{ reply: KernelMessage.IExecuteReplyMsg; iopub: KernelMessage.IIOPubMessage[] }> {
  const iopub: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code });
  future.onIOPub = (m) => void iopub.push(m);
  const reply = await future.done;
  return { reply, iopub };
}

test("kernel info names the language and implementation", async () => {
  const info = await kernel.info;
  assert.equal(info.implementation, "sluice");
  assert.equal(info.language_info.name, "typescript");
  assert.equal(info.language_info.file_extension, ".ts");
});

test("execute streams stdout and returns a result", async () => {
  const { reply, iopub } = await execute('console.log("streamed"); const answer = 6 * 7; answer');
  assert.equal(reply.content.status, "ok");
  const stream = iopub.find((m) => m.header.msg_type === "stream") as KernelMessage.IStreamMsg | undefined;
  assert.equal(stream?.content.text, "streamed\n");
  const result = iopub.find((m) => m.header.msg_type === "execute_result") as KernelMessage.IExecuteResultMsg | undefined;
  assert.equal(result?.content.data["text/plain"], "42");
  const states = iopub.filter((m) => m.header.msg_type === "status").map((m) => (m as KernelMessage.IStatusMsg).content.execution_state);
  assert.deepEqual(states.slice(-1), ["idle"]);
});

test("interrupt stops a busy loop and keeps the kernel's state", async () => {
  // The loop says it has begun through a file: the kernel's own messages wait for its event loop,
  // which the loop blocks. Interrupting only then proves the loop itself was stopped (an interrupt
  // that lands while the cell compiles is answered "Interrupted" as well).
  const started = join(mkdtempSync(join(tmpdir(), "sluice-loop-")), "started");
  const code = `require("node:fs").writeFileSync(${JSON.stringify(started)}, "");\nlet spins = 0;\nwhile (true) { spins++; }`;
  const future = kernel.requestExecute({ code });
  let replied = false;
  void future.done.finally(() => (replied = true)).catch(() => undefined);
  await until(() => existsSync(started) || replied, 30_000, "the busy loop to begin");
  assert.equal(replied, false, "the loop is still running when the interrupt is sent");
  await kernel.interrupt();
  await until(() => replied, 30_000, "the interrupted cell's reply");
  const reply = await future.done;
  assert.equal(reply.content.status, "error");
  assert.equal((reply.content as KernelMessage.IReplyErrorContent).ename, "Interrupted");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own source is a template literal
  const { iopub } = await execute("`${answer + 1} ${spins > 0}`");
  const result = iopub.find((m) => m.header.msg_type === "execute_result") as KernelMessage.IExecuteResultMsg | undefined;
  assert.equal(result?.content.data["text/plain"], "'43 true'", "earlier state is kept and the loop had spun");
});

/** Resolves once `ready()` holds, looking every 20 ms; rejects after `timeoutMs`. */
async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("restart gives a fresh kernel", async () => {
  await kernel.restart();
  const { reply } = await execute("answer");
  assert.equal(reply.content.status, "error");
  const ok = await execute("'after restart'");
  assert.equal(ok.reply.content.status, "ok");
});

test("shutdown stops the kernel", async () => {
  const id = kernel.id;
  await kernel.shutdown();
  await manager.refreshRunning();
  assert.equal(
    [...manager.running()].some((k) => k.id === id),
    false,
  );
});
