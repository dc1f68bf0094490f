/**
 * A job failing and restarting in a notebook, seen by a real client of the real kernel (this
 * worktree's bin/sluice.js over ZeroMQ): while the restart strategy waits, the job's status line says
 * "restarting (n/max)" with the failure (operator and record); once it runs again, "restarts n/max
 * (last: …)"; the kernel's log has a line per restart. Before this, a job restarting in a loop
 * looked like a hang.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startZmqKernel } from "./zmqKernel.js";

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
  const kernel = await startZmqKernel({ SLUICE_LIVE_UPDATE_MS: "250" });
  try {
    // The iopub subscription is live once the kernel's status messages arrive.
    await kernel.request("kernel_info_request", {});
    const reply = await kernel.execute(CELL);
    assert.equal(reply.content.status, "ok", `${JSON.stringify(reply.content)}\n${kernel.stderr}`);
    const cellId = String(reply.parent_header.msg_id);
    const lines = () =>
      kernel.published
        .filter((m) => m.parent_header.msg_id === cellId && (m.header.msg_type === "display_data" || m.header.msg_type === "update_display_data"))
        .map((m) => String((m.content.data as Record<string, unknown>)["text/plain"] ?? ""))
        .filter((t) => t.includes('job "flaky"'));
    // The final line may come after the reply (iopub and shell are separate sockets), and the log line
    // down a pipe: each is awaited with a generous deadline, then judged.
    await until(() => lines().some((t) => t.startsWith("✔")));
    const seen = lines();
    const cause = /User function failed in job 'flaky', operator 'map' \(subtask 0\): boom at 7; record: 7/;
    const restarting = seen.find((t) => t.startsWith("↻ restarting (1/3) from the start: "));
    assert.ok(restarting, `no restarting status line among:\n${seen.join("\n")}`);
    assert.match(restarting, cause);
    const final = seen.at(-1) ?? "";
    assert.match(final, /^✔ finished · job "flaky" · .* · restarts 2\/3 \(last: User function failed in job 'flaky', operator 'map'/, seen.join("\n"));
    await until(() => kernel.stderr.includes("[sluice warn] job restarting"));
    assert.match(
      kernel.stderr,
      /\[sluice warn\] job restarting \{"job":"flaky","restart":"1\/3","restoringFrom":"start","failure":"User function failed in job 'flaky', operator 'map' \(subtask 0\): boom at 7\\n {2}record: 7"\}/,
    );
  } finally {
    kernel.close();
  }
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
