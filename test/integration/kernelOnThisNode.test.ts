/**
 * The kernel on the Node.js that runs this test, over ZeroMQ: CI runs this file on Node 24 while
 * every kernel Jupyter starts in the other tests runs on the machine's Node (scripts/test.sh), so
 * this is where zeromq's and @duckdb/node-api's prebuilt binaries, tslab and the engine are loaded
 * by the kernel on that Node. A TypeScript cell and a `%sql` cell, signed with the connection key.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startZmqKernel } from "./zmqKernel.js";

test(`a kernel on Node ${process.version} answers a TypeScript and a %sql cell over ZeroMQ`, { timeout: 120_000 }, async () => {
  const kernel = await startZmqKernel();
  /** Everything a request's outputs carried, once its idle status has arrived. */
  const outputsOf = async (msgId: string): Promise<string> => {
    const mine = () => kernel.published.filter((m) => m.parent_header.msg_id === msgId);
    while (!mine().some((m) => m.header.msg_type === "status" && m.content.execution_state === "idle")) {
      if (kernel.iopubError) throw kernel.iopubError;
      await new Promise((r) => setTimeout(r, 20));
    }
    return JSON.stringify(
      mine()
        .filter((m) => m.header.msg_type !== "status")
        .map((m) => m.content),
    );
  };
  try {
    const info_ = await kernel.request("kernel_info_request", {});
    assert.equal(info_.header.msg_type, "kernel_info_reply", kernel.stderr);
    assert.match(String(info_.content.banner), new RegExp(`Node\\.js ${process.version.replace(/\./g, "\\.")}`));

    const ts = await kernel.execute("const xs: number[] = [1, 2, 3];\nxs.reduce((a, b) => a + b, 0)");
    assert.equal(ts.content.status, "ok", JSON.stringify(ts.content));
    assert.match(await outputsOf(String(ts.parent_header.msg_id)), /"text\/plain":"6"/);
    const sql = await kernel.execute("%sql select 40 + 2 as answer");
    assert.equal(sql.content.status, "ok", JSON.stringify(sql.content));
    assert.match(await outputsOf(String(sql.parent_header.msg_id)), /answer[\s\S]*42/);
  } finally {
    kernel.close();
  }
});
