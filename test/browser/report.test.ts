/**
 * The report of notebooks/quickstart.ipynb, opened in headless Chromium with the network cut:
 * the Vega-Lite chart must actually draw (SVG marks in the vega-embed container, one per bar),
 * with no request leaving the machine. A screenshot is kept for a person to look at:
 * $SLUICE_TEST_OUTPUT/report-quickstart.png (CI) or a temporary folder (printed).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runReport } from "../../kernel/src/report/runReport.js";
import { chromiumMissing, launchOffline } from "../support/chromium.js";

interface ChartStatus {
  total: number;
  rendered: number;
  failed: number;
  errors: string[];
}

test("the quickstart report draws its chart in Chromium with no network", async (t) => {
  const missing = chromiumMissing();
  // Not a skip: the test suite installs Chromium (scripts/chromium.sh), so absence is a failure.
  assert.equal(missing, undefined);

  const dir = mkdtempSync(join(tmpdir(), "sluice-report-browser-"));
  const report = join(dir, "quickstart.html");
  const result = await runReport({ notebook: new URL("../../../notebooks/quickstart.ipynb", import.meta.url).pathname, output: report });
  assert.equal(result.charts, 1);

  const browser = await launchOffline();
  try {
    const { page } = browser;
    await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
    // The inline scripts ran before "load": without the runtime there is nothing to wait for.
    const hasRuntime = await page.evaluate(() => typeof (globalThis as unknown as { vegaEmbed?: unknown; sluiceCharts?: unknown }).sluiceCharts === "object");
    assert.ok(hasRuntime, "the report's inlined Vega runtime ran");
    // Wait for the embed script to settle every chart (rendered or failed), then judge.
    await page.waitForFunction(() => {
      const s = (globalThis as unknown as { sluiceCharts?: ChartStatus }).sluiceCharts;
      return s !== undefined && s.rendered + s.failed === s.total;
    });
    const status = await page.evaluate(() => (globalThis as unknown as { sluiceCharts: ChartStatus }).sluiceCharts);
    assert.deepEqual(status, { total: 1, rendered: 1, failed: 0, errors: [] });

    const chart = page.locator('.sluice-chart[data-state="rendered"] .vega-embed');
    assert.equal(await chart.count(), 1, "vega-embed took the chart's container");
    // The quickstart plots views per 10 s window, one line per page.
    const lines = chart.locator("svg g.mark-line path");
    assert.ok((await lines.count()) >= 5, "one SVG line per page");
    const box = await chart.locator("svg").first().boundingBox();
    assert.ok(box && box.width > 50 && box.height > 50, `the chart has a visible size: ${JSON.stringify(box)}`);
    const legend = await chart.locator("svg .role-legend-label text").allTextContents();
    assert.ok(legend.includes("/products") && legend.includes("/blog"), `the legend names the pages: ${legend.join(", ")}`);

    // Code is wrapped to the cell's width (the quickstart has a long line switching it to Kafka).
    const overflowing = await page.evaluate(() => {
      type Box = { scrollWidth: number; clientWidth: number; textContent: string | null };
      const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): Iterable<Box> } }).document;
      return [...doc.querySelectorAll(".jp-InputArea-editor")].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent?.slice(0, 60));
    });
    assert.deepEqual(overflowing, [], "no code cell runs past its right edge");

    assert.deepEqual(browser.blocked, [], "the report made no network request");
    assert.deepEqual(
      browser.errors.filter((e) => !/The input spec uses Vega-Lite v5/.test(e)),
      [],
    );

    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? dir);
    mkdirSync(outDir, { recursive: true });
    const shot = join(outDir, "report-quickstart.png");
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
});
