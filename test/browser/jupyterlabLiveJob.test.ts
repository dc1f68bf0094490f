/**
 * The signature experience in a real browser: JupyterLab (Debian's Chromium, no network but our
 * own server on loopback) runs a cell that starts a streaming job; the cell returns, its chart
 * keeps growing and its status line keeps counting while another cell runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromiumMissing, launchOffline } from "./chromium.js";
import { startJupyterServer } from "../support/jupyterServer.js";

const cells = [
  [
    "const env = StreamEnvironment.create();",
    "const perPage = env.fromSource(DataGen.pageViews({ seed: 42, rate: 400, eventsPerSecond: 50, pages: 6 }),",
    "  WatermarkStrategy.forBoundedOutOfOrderness<PageView>(Time.seconds(2)).withTimestampAssigner((v) => v.ts))",
    "  .keyBy((v) => v.page).window(TumblingEventTimeWindows.of(Time.seconds(10))).aggregateWithWindow(Aggregators.count());",
    'perPage.sinkTo(chart.line({ x: "start:T", y: "value", color: "key" }));',
    'const job = env.execute("live");',
  ].join("\n"),
  "6 * 7",
];

function notebook(dir: string): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "sluice", display_name: "Sluice (TypeScript)", language: "typescript" } },
    cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  };
  writeFileSync(join(dir, "live.ipynb"), JSON.stringify(nb));
}

test("a running job's chart and status grow in JupyterLab while another cell runs", { skip: chromiumMissing() }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-lab-"));
  notebook(dir);
  const server = await startJupyterServer(dir);
  const browser = await launchOffline({ allowLoopback: true });
  try {
    const { page } = browser;
    await page.goto(`${server.baseUrl}lab/tree/live.ipynb?token=${server.token}`);
    await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
    await page.getByText("Sluice (TypeScript) | Idle").waitFor({ timeout: 60_000 });
    await page.click(".jp-Notebook .jp-Cell >> nth=0");
    await page.keyboard.press("Shift+Enter"); // start the job: the cell returns at once
    await page.waitForSelector(".sluice-job-status", { timeout: 30_000 });
    await page.keyboard.press("Shift+Enter"); // another cell runs while the job does
    await page.locator(".jp-OutputArea-output", { hasText: /^42$/ }).waitFor({ timeout: 30_000 });

    // JupyterLab draws Vega-Lite natively (on a canvas): compare the drawn pixels over time.
    const chart = page.locator(".jp-Cell >> nth=0").locator(".vega-embed canvas, .vega-embed svg").first();
    await chart.waitFor({ timeout: 30_000 });
    const sample = async () => {
      const status = (await page.locator(".sluice-job-status").first().textContent()) ?? "";
      return { status, recordsIn: Number(status.match(/([\d,]+) in/)?.[1]?.replace(/,/g, "") ?? NaN), pixels: await chart.screenshot() };
    };
    const first = await sample();
    await page.waitForTimeout(4000);
    const second = await sample();
    assert.match(first.status, /running/);
    assert.ok(second.recordsIn > first.recordsIn, `the status line keeps counting: ${first.recordsIn} then ${second.recordsIn}`);
    assert.ok(!first.pixels.equals(second.pixels), "the chart is redrawn with new data while the job runs");
    assert.deepEqual(browser.blocked, [], "nothing but our own server was contacted");

    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? dir);
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, "jupyterlab-live-job.png") });
    t.diagnostic(`screenshot: ${join(outDir, "jupyterlab-live-job.png")}`);
  } finally {
    await browser.close();
    await server.stop();
  }
});
