/**
 * A corpus of hostile notebook content, exported with `sluice report` (default and `--sanitize`)
 * and opened in Debian's Chromium with the network cut (issue 14, "Reports people share").
 * Every payload records its number in `window.__pwned` (of the page, or of the window that opened
 * it), so the test can say exactly which ones ran:
 *
 *   1-9   the report's own markup (chart fallbacks, embed options, the runtime's insertion point):
 *         must never run, in either mode;
 *   10-29 author HTML (text/html, markdown, javascript outputs): runs in the default mode, as in
 *         nbconvert; must not run with --sanitize;
 *   30+   things nbconvert already neutralises, or that we do in both modes (SVG outputs, raw
 *         cells, cell tags, mermaid, widget state, image sizes in output metadata): must never run.
 *
 * Both modes also assert that the legitimate charts draw (SVG marks present), that no chart
 * failed except the one built to fail, and that the page made no network request.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseNotebook } from "../../kernel/src/report/notebook.js";
import { renderReport, runReport } from "../../kernel/src/report/runReport.js";
import { chromiumMissing, launchOffline, type OfflineBrowser } from "../support/chromium.js";

interface ChartStatus {
  total: number;
  rendered: number;
  failed: number;
  errors: string[];
}

/** JavaScript that records payload `n`; written without quotes so it fits any attribute. */
const P = (n: number) => `(function(w){(w.__pwned=w.__pwned||[]).push(${n})})(window.opener||window)`;

const bar = (title: string) => ({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title,
  data: {
    values: [
      { a: "x", b: 1 },
      { a: "y", b: 2 },
      { a: "z", b: 3 },
    ],
  },
  mark: "bar",
  encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } },
});
const VL = "application/vnd.vegalite.v5+json";

const code = (source: string, tags: string[] = []) => ({ cell_type: "code", metadata: { tags }, source, outputs: [], execution_count: null });
const markdown = (source: string) => ({ cell_type: "markdown", metadata: {}, source });
const show = (bundle: Record<string, unknown>) => code(`display.raw(${JSON.stringify(bundle)});`);

const CORPUS = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: {
    kernelspec: { name: "sluice", display_name: "Sluice (TypeScript)", language: "typescript" },
    // nbconvert would load the widget manager from a CDN for this.
    widgets: { "application/vnd.jupyter.widget-state+json": { state: {}, version_major: 2, version_minor: 0 } },
  },
  cells: [
    markdown("# Hostile corpus\n\nA report of this must draw its charts and run none of the report's own payloads."),
    // A legitimate chart.
    code(`display.vegaLite(${JSON.stringify(bar("legit"))});`),
    // 1: a chart whose static fallback SVG carries an <image onerror>.
    show({ [VL]: bar("fallback onerror"), "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="x" onerror="${P(1)}"/></svg>`, "text/plain": "chart" }),
    // 2: a chart that fails to embed, whose fallback is an <svg onload>.
    show({
      "application/vnd.vega.v5+json": { marks: [{ type: "rect", from: { data: "missing" } }] },
      "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg" onload="${P(2)}"></svg>`,
      "text/plain": "chart",
    }),
    // 3: embed options from the spec turn the action menu on; "View Source" writes sourceHeader.
    show({ [VL]: { ...bar("usermeta"), usermeta: { embedOptions: { actions: true, sourceHeader: `<script>${P(3)}</script>`, renderer: "canvas" } } }, "text/plain": "chart" }),
    // 4: the runtime marker inside a markdown cell (the old runtime insertion point).
    markdown("Before the marker\n\n<!-- sluice:vega-runtime -->\n\nafter it."),
    // Author HTML: runs by default (as in nbconvert), not with --sanitize.
    code(`display.html(${JSON.stringify(`<script>${P(10)}</script>`)});`),
    code(`display.html(${JSON.stringify(`<img src="x" onerror="${P(11)}">`)});`),
    markdown(`Markdown with raw HTML <img src="x" onerror="${P(12)}">\n\n<script>${P(13)}</script>`),
    code(`display.markdown(${JSON.stringify(`Output markdown <img src="x" onerror="${P(14)}">`)});`),
    show({ "application/javascript": P(15), "text/plain": "js" }),
    code(`display.html(${JSON.stringify(`<iframe srcdoc="<script>${P(16).replace(/window.opener\|\|window/, "parent")}</script>"></iframe>`)});`),
    code(`display.html(${JSON.stringify(`<svg><animate onbegin="${P(17)}" attributeName="x" dur="1s"/></svg>`)});`),
    // Neutralised in both modes.
    code(`display.svg(${JSON.stringify(`<svg xmlns="http://www.w3.org/2000/svg" onload="${P(30)}"><image href="x" onerror="${P(31)}"/></svg>`)});`),
    { cell_type: "raw", metadata: { raw_mimetype: "text/html" }, source: `<img src="x" onerror="${P(32)}">` },
    code("1 + 1", [`"><img src=x onerror=${P(33)}>`]),
    show({ "text/vnd.mermaid": `<img src="x" onerror="${P(34)}">`, "text/plain": "mermaid" }),
    // Another legitimate chart, after everything above.
    code(`display.vegaLite(${JSON.stringify(bar("legit after"))});`),
  ],
};

const AUTHOR = [10, 11, 12, 13, 14, 15, 16, 17];

/** Opens a report as a reader would; `expected` are the payloads that must run, awaited before the rest is judged. */
async function open(browser: OfflineBrowser, report: string, expected: number[]): Promise<{ pwned: number[]; status: ChartStatus }> {
  const { page } = browser;
  await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
  await page
    .waitForFunction(
      () => {
        const s = (globalThis as unknown as { sluiceCharts?: ChartStatus }).sluiceCharts;
        return s !== undefined && s.rendered + s.failed === s.total;
      },
      undefined,
      { timeout: 30_000 },
    )
    .catch(() => undefined); // judged below, with what was seen
  // If an action menu exists, use it as a reader would: "View Source" opens a window.
  const menus = page.locator(".vega-embed details");
  for (let i = 0; i < (await menus.count()); i++) {
    await menus.nth(i).locator("summary").click();
    const source = menus.nth(i).getByText("View Source");
    if ((await source.count()) > 0) {
      const popup = page.waitForEvent("popup", { timeout: 5_000 }).catch(() => undefined);
      await source.click();
      await popup;
    }
  }
  // Handlers fire when an image settles: wait until every image (charts' too) has loaded or
  // failed, however slow the machine, then give animations a moment to begin.
  await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: { images: ArrayLike<{ complete: boolean }> } }).document;
      return Array.from(doc.images).every((img) => img.complete);
    },
    undefined,
    { timeout: 30_000 },
  );
  // The payloads that must run are awaited (an iframe's script or an animation's start can come late on
  // a loaded machine), then the ones that must not run get a moment to show themselves.
  await page.waitForFunction((want) => want.every((n) => ((globalThis as unknown as { __pwned?: number[] }).__pwned ?? []).includes(n)), expected, { timeout: 30_000 }).catch(() => undefined); // judged by the caller, with what ran
  await page.waitForTimeout(1_500);
  return page.evaluate(() => {
    const g = globalThis as unknown as { __pwned?: number[]; sluiceCharts?: ChartStatus };
    return { pwned: [...(g.__pwned ?? [])].sort((a, b) => a - b), status: g.sluiceCharts ?? { total: 0, rendered: 0, failed: 0, errors: ["no runtime"] } };
  });
}

async function checkCharts(browser: OfflineBrowser, status: ChartStatus): Promise<void> {
  // Four charts: two legit, the one with the hostile fallback, the usermeta one; plus one failing.
  assert.equal(status.total, 5, `every chart found by the runtime: ${JSON.stringify(status)}`);
  assert.equal(status.rendered, 4, `the valid charts drew: ${JSON.stringify(status)}`);
  assert.equal(status.failed, 1, "only the chart built to fail failed");
  const { page } = browser;
  const drawn = page.locator('.sluice-chart[data-state="rendered"] .vega-embed svg .mark-rect path');
  assert.ok((await drawn.count()) >= 12, `bars drawn as SVG marks (3 per chart): ${await drawn.count()}`);
  assert.equal(await page.locator(".sluice-chart .vega-embed canvas").count(), 0, "the spec cannot switch the renderer");
  assert.equal(await page.locator(".vega-embed .vega-actions, .vega-embed details").count(), 0, "no action menu");
  const failed = page.locator('.sluice-chart[data-state="failed"] img');
  assert.equal(await failed.count(), 1, "the failed chart shows its fallback as an image");
  assert.match(String(await failed.getAttribute("src")), /^data:image\/svg\+xml;base64,/);
  assert.deepEqual(browser.blocked, [], "the report made no network request");
}

test("hostile notebook content: reports run none of their own payloads, and --sanitize none of the author's", async (t) => {
  assert.equal(chromiumMissing(), undefined);
  const dir = mkdtempSync(join(tmpdir(), "sluice-report-hostile-"));
  const notebook = join(dir, "hostile.ipynb");
  writeFileSync(notebook, JSON.stringify(CORPUS, null, 1));

  // Executed once; the same notebook is rendered in both modes, with one output no Sluice cell can
  // make (display metadata, as ipykernel sends it) added as another kernel would have.
  const executedPath = join(dir, "executed.ipynb");
  const first = await runReport({ notebook, output: join(dir, "first.html"), notebookOutput: executedPath });
  assert.equal(first.charts, 5);
  const executed = parseNotebook(readFileSync(executedPath, "utf8"), executedPath);
  executed.cells.push({
    cell_type: "code",
    metadata: {},
    source: "display(Image(...), metadata=...)",
    execution_count: 99,
    outputs: [{ output_type: "display_data", data: { "image/png": "AAAA", "text/plain": "img" }, metadata: { "image/png": { width: `1 onerror=${P(35)}` } } }],
  });

  for (const sanitize of [false, true]) {
    await t.test(sanitize ? "--sanitize" : "default", async () => {
      const report = join(dir, sanitize ? "sanitized.html" : "default.html");
      await renderReport(executed, { output: report, title: "hostile", sanitize });
      const browser = await launchOffline();
      try {
        const { pwned, status } = await open(browser, report, sanitize ? [] : AUTHOR);
        t.diagnostic(`${sanitize ? "sanitized" : "default"}: payloads that ran: [${pwned.join(", ")}]; charts ${JSON.stringify(status)}`);
        assert.deepEqual(
          pwned.filter((n) => !AUTHOR.includes(n)),
          [],
          "none of the report's own or neutralised payloads ran",
        );
        assert.deepEqual(pwned, sanitize ? [] : AUTHOR, sanitize ? "--sanitize ran no author script" : "author HTML runs as in nbconvert");
        await checkCharts(browser, status);
      } finally {
        await browser.close();
      }
    });
  }
});
