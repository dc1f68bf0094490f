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
  // expose_app_in_browser: the test reads JupyterLab's output model (window.jupyterapp).
  const server = await startJupyterServer(dir, ["--LabApp.expose_app_in_browser=True"]);
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

    // JupyterLab draws Vega-Lite natively (on a canvas) and draws it anew on every update, so an
    // element handle goes stale: read the chart's data points from JupyterLab's own output model
    // (what it renders) and screenshot the chart's area of the page, three times, 2.5 s apart.
    const chartArea = ".jp-Cell >> nth=0 >> .vega-embed";
    await page.locator(chartArea).first().waitFor({ timeout: 30_000 });
    const sample = async () => {
      const { status, points } = await page.evaluate<{ status: string; points: number }>(`(() => {
        const outputs = window.jupyterapp.shell.currentWidget.content.model.cells.get(0).outputs;
        let points = 0;
        for (let i = 0; i < outputs.length; i++) points += outputs.get(i).data["application/vnd.vegalite.v5+json"]?.data?.values?.length ?? 0;
        return { status: document.querySelector(".sluice-job-status")?.textContent ?? "", points };
      })()`);
      const box = await page.locator(chartArea).first().boundingBox();
      assert.ok(box, "the chart is on the page");
      return { status, points, recordsIn: Number(status.match(/([\d,]+) in/)?.[1]?.replace(/,/g, "") ?? NaN), pixels: await page.screenshot({ clip: box }) };
    };
    const samples = [await sample()];
    for (let i = 0; i < 2; i++) {
      await page.waitForTimeout(2500);
      samples.push(await sample());
    }
    t.diagnostic(`samples: ${samples.map((x) => `${x.recordsIn} records in, ${x.points} chart points`).join(" → ")}`);
    assert.match(samples[0]!.status, /running/);
    for (let i = 1; i < samples.length; i++) {
      const [before, after] = [samples[i - 1]!, samples[i]!];
      assert.ok(after.recordsIn > before.recordsIn, `the status line keeps counting: ${before.recordsIn} then ${after.recordsIn}`);
      assert.ok(after.points > before.points, `the chart gets more points: ${before.points} then ${after.points}`);
      assert.ok(!after.pixels.equals(before.pixels), `screenshot ${i + 1} differs from screenshot ${i}: the chart is redrawn`);
    }
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
