/**
 * JupyterLab's *Restart Kernel* in a real browser (Debian's Chromium, loopback only): a running
 * job's status line must end as `■ stopped: kernel restarted`, in the output model and in the
 * saved notebook. JupyterLab drops the old kernel's display routes before it restarts it, so the
 * kernel's own final update never lands; Sluice's JupyterLab extension
 * (kernel/jupyter/labextension, installed into .venv by scripts/setup.sh) writes it instead.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chromiumMissing } from "../support/chromium.js";
import { NOTEBOOK, openNotebook } from "../support/jupyterLab.js";

const cell = [
  "const env = StreamEnvironment.create();",
  "env.fromSource(DataGen.pageViews({ seed: 7, rate: 300, eventsPerSecond: 50, pages: 4 }),",
  "  WatermarkStrategy.forBoundedOutOfOrderness<PageView>(Time.seconds(2)).withTimestampAssigner((v) => v.ts))",
  "  .sinkTo(sinks.collect());",
  'const job = env.execute("pv"); // unbounded: the cell returns, the job keeps running',
].join("\n");

/** Every Sluice status line (text/plain) among the first cell's outputs, in JupyterLab's model. */
const STATUS_LINES = `(() => {
  const outputs = ${NOTEBOOK}.model.cells.get(0).outputs;
  const lines = [];
  for (let i = 0; i < outputs.length; i++) {
    const d = outputs.get(i).data;
    if (String(d["text/html"] ?? "").includes("sluice-job-status")) lines.push({ text: String(d["text/plain"]), html: String(d["text/html"]) });
  }
  return lines;
})()`;

test("JupyterLab's Restart Kernel leaves a running job's status line stopped, not running", { skip: chromiumMissing() }, async (t) => {
  const lab = await openNotebook({ name: "restart.ipynb", cells: [cell] });
  try {
    const { page } = lab;
    await page.click(".jp-Notebook .jp-Cell >> nth=0");
    await page.keyboard.press("Shift+Enter");
    await page.locator(".sluice-job-status", { hasText: "● running" }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(`${STATUS_LINES}.some((l) => /^● running · job "pv" · .* [\\d,]+\\/s · /.test(l.text))`, undefined, { timeout: 30_000 });

    // Record the session's statuses, then restart through JupyterLab's own command and dialog.
    await page.evaluate(`(() => {
      window.sluiceStatuses = [];
      window.jupyterapp.shell.currentWidget.sessionContext.statusChanged.connect((_, s) => window.sluiceStatuses.push(s));
      void window.jupyterapp.commands.execute("kernelmenu:restart");
    })()`);
    await page.locator(".jp-Dialog .jp-mod-accept", { hasText: "Restart" }).click({ timeout: 30_000 });
    // The new kernel is up: whatever the old one sent has been heard (or dropped) by now.
    await page.waitForFunction(`window.sluiceStatuses.includes("restarting") && window.sluiceStatuses.at(-1) === "idle"`, undefined, { timeout: 60_000 });

    const lines = await page.evaluate<{ text: string; html: string }[]>(STATUS_LINES);
    t.diagnostic(`statuses: ${await page.evaluate<string>(`window.sluiceStatuses.join(" → ")`)}; status line after restart: ${lines.map((l) => l.text).join(" | ")}`);
    assert.equal(lines.length, 1, "one status line");
    const [line] = lines;
    assert.match(line!.text, /^■ stopped: kernel restarted · job "pv" · [\d,]+ in · /, "text/plain says stopped");
    assert.doesNotMatch(line!.text, /running|\/s\b/, "no running state, no rate");
    assert.match(line!.html, /^<div class="sluice-job-status"[^>]*><span style="color:[^"]*">■ stopped: kernel restarted<\/span> · job <b>pv<\/b>/);
    assert.doesNotMatch(line!.html, /running|[\d,]+\/s/);
    await page.locator(".sluice-job-status", { hasText: "■ stopped: kernel restarted" }).waitFor({ timeout: 10_000 });

    // What is saved is what the model says.
    await page.evaluate(`window.jupyterapp.commands.execute("docmanager:save")`);
    const saved = JSON.parse(readFileSync(lab.path, "utf8")) as { cells: { outputs: { data?: Record<string, string | string[]> }[] }[] };
    const savedText = saved.cells[0]!.outputs.map((o) => [o.data?.["text/plain"] ?? ""].flat().join("")).filter((s) => s.includes('job "pv"'));
    assert.equal(savedText.length, 1);
    assert.match(savedText[0]!, /^■ stopped: kernel restarted · job "pv"/);
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server was contacted");
  } finally {
    await lab.close();
  }
});
