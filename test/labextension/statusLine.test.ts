/**
 * Sluice's JupyterLab extension rewrites a live job status line into the final one the kernel
 * would have sent on restart (kernel/jupyter/labextension/src/statusLine.ts). Checked against the
 * kernel's own status line (kernel/src/jobs/statusLine.ts), so the two cannot drift apart.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { JobHandle, JobMetrics } from "../../engine/src/index.js";
import { statusBundle } from "../../kernel/src/jobs/statusLine.js";
import { stoppedStatusData } from "../../kernel/jupyter/labextension/src/statusLine.js";

const metrics = (over: Partial<JobMetrics>): JobMetrics => ({
  jobName: "pv <1>",
  status: "running",
  startedAt: 0,
  endedAt: undefined,
  watermark: 1_700_000_000_000,
  deadLetters: 3,
  checkpoints: { restoredFrom: undefined, completed: 4, failed: 0, lastPath: undefined },
  operators: [
    { kind: "source", recordsIn: 1200, backlog: 5 },
    { kind: "sink", recordsIn: 1100, backlog: 0 },
  ] as unknown as JobMetrics["operators"],
  watermarkHold: undefined,
  ...over,
});
const job = { name: "pv <1>", result: undefined, threads: { parallelism: 1, workers: 0 } } as unknown as JobHandle;
const asData = (b: ReturnType<typeof statusBundle>) => ({ "text/plain": String(b["text/plain"]), "text/html": String(b["text/html"]) });

for (const [status, extra, what] of [
  ["running", {}, ""],
  ["created", {}, ""],
  ["restarting", { restarts: { count: 2, lastFailure: "boom · 12/s · <x>", lastFailureAt: 0, restoringFrom: 4 } }, " (no limit known)"],
  [
    "restarting",
    { restarts: { count: 3, maxAttempts: 10, lastFailure: `operator 'map': "boom" & ${"x".repeat(300)}\n  record: 7`, lastFailureAt: 0, restoringFrom: undefined } },
    " (3/10, a long cause over two lines)",
  ],
] as const) {
  test(`a ${status}${what} status line becomes the kernel's own 'stopped: kernel restarted' line, rate dropped`, () => {
    const live = asData(statusBundle(job, metrics({ status, ...extra }), 312.4));
    const final = asData(statusBundle(job, metrics({ status: "cancelled", ...extra }), 0, "kernel restarted"));
    assert.deepEqual(stoppedStatusData(live, "kernel restarted"), final);
    assert.match(final["text/plain"], /^■ stopped: kernel restarted · job "pv <1>" · 1,200 in · 1,100 out · watermark/);
  });
}

test("final status lines, other outputs and other mime types are left alone", () => {
  for (const status of ["finished", "failed", "cancelled"] as const) {
    assert.equal(stoppedStatusData(asData(statusBundle(job, metrics({ status }), 0)), "kernel restarted"), undefined, status);
  }
  assert.equal(stoppedStatusData({ "text/plain": "● a bullet point" }, "kernel restarted"), undefined);
  assert.equal(stoppedStatusData({ "text/html": "<div>● running</div>" }, "kernel restarted"), undefined);
  const live = statusBundle(job, metrics({}), 10);
  const withChart = { ...asData(live), "application/json": { keep: true } };
  assert.deepEqual(stoppedStatusData(withChart, "kernel shut down")?.["application/json"], { keep: true });
});

test("text saved as a list of lines (nbformat's multiline string) and html-only outputs are rewritten", () => {
  const { "text/plain": text, "text/html": html } = asData(statusBundle(job, metrics({}), 10));
  const out = stoppedStatusData({ "text/plain": [text.slice(0, 9), text.slice(9)], "text/html": html }, "kernel shut down");
  assert.match(String(out?.["text/plain"]), /^■ stopped: kernel shut down · job "pv <1>" · /);
  const htmlOnly = stoppedStatusData({ "text/html": html }, "a <b> & c");
  assert.match(String(htmlOnly?.["text/html"]), /<span style="color:#9a6700">■ stopped: a &lt;b&gt; &amp; c<\/span> · job <b>pv &lt;1&gt;<\/b> · 1,200 in · 1,100 out · watermark/);
  assert.equal(htmlOnly?.["text/plain"], undefined);
});

test("a job card's status line is stopped too, and its buttons removed (they need the kernel that is gone)", async () => {
  const { StreamEnvironment, sinks } = await import("../../engine/src/index.js");
  const { JobCard } = await import("../../kernel/src/jobs/jobCard.js");
  const env = StreamEnvironment.create();
  env
    .fromIterable(
      (function* () {
        for (let i = 0; ; i++) yield i;
      })(),
    )
    .sinkTo(sinks.callback<number>(() => new Promise((r) => setTimeout(r, 1))));
  const running = env.execute("carded");
  await new Promise((r) => setTimeout(r, 20));
  const bundle = new JobCard(running, "sluice-job-x").bundle(running.metrics());
  const live = { ...asData(bundle), "application/vnd.sluice.jobcard+json": bundle["application/vnd.sluice.jobcard+json"] } as Parameters<typeof stoppedStatusData>[0];
  assert.match(String(live["text/html"]), /data-sluice-action="cancel"/);
  const stopped = stoppedStatusData(live, "kernel restarted");
  await running.cancel();
  assert.ok(stopped, "the card was recognised");
  const html = String(stopped["text/html"]);
  assert.match(html, /^<div class="sluice-job-card"[^>]*><div class="sluice-job-status"[^>]*><span style="color:#9a6700">■ stopped: kernel restarted<\/span> · job <b>carded<\/b>/);
  assert.doesNotMatch(html, /sluice-job-actions|data-sluice-action/);
  assert.match(html, /<svg /, "the graph stays");
  assert.equal(stopped["application/vnd.sluice.jobcard+json"], undefined, "the live card's data goes, so the renderer does not show it running");
  assert.match(String(stopped["text/plain"]), /^■ stopped: kernel restarted · job "carded"/);
});
