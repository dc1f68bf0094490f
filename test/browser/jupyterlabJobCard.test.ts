/**
 * The job card in JupyterLab (Debian's Chromium, no network but our own server on loopback):
 * `%jobs show NAME --graph` draws the running job's operator graph, its counts change in place,
 * a deliberately slow sink colours its upstream as back-pressured (Flink's HIGH), and the card's
 * Cancel button (shown by Sluice's JupyterLab extension, sent over the `sluice.jobs` comm) cancels.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromiumMissing } from "../support/chromium.js";
import { openNotebook } from "../support/jupyterLab.js";

const cells = [
  [
    "const env = StreamEnvironment.create({ batchSize: 16, channelCapacity: 32 });",
    'env.fromSource(DataGen.pageViews({ seed: 7, rate: 3000 })).name("views")',
    '  .map((v) => v.page).name("pages")',
    "  .sinkTo(sinks.callback<string>(async () => { await new Promise((r) => setTimeout(r, 20)); }));",
    'const job = env.execute("slow");',
  ].join("\n"),
  "%jobs show slow --graph",
];

test("JupyterLab shows the job card: counts change in place, a slow sink's upstream turns HIGH, Cancel cancels", { skip: chromiumMissing() }, async (t) => {
  const lab = await openNotebook({ name: "card.ipynb", cells });
  try {
    const { page } = lab;
    await page.click(".jp-Notebook .jp-Cell >> nth=0");
    await page.keyboard.press("Shift+Enter");
    await page.waitForSelector(".sluice-job-status", { timeout: 30_000 });
    await page.keyboard.press("Shift+Enter");
    const card = page.locator(".sluice-job-card");
    await card.waitFor({ timeout: 30_000 });
    const pages = card.locator('g.operator:has(title:text-matches("^pages \\\\["))');
    const recordsIn = async () => Number(/in ([\d,]+) ·/.exec((await pages.locator("text").allTextContents()).join(" "))?.[1]?.replace(/,/g, "") ?? Number.NaN);
    // Sluice's renderer patches the drawn graph rather than redrawing it: a mark on the SVG survives the updates.
    await card
      .locator("svg")
      .first()
      .evaluate((el) => el.setAttribute("data-probe", "kept"));
    // Polled until three counts were seen (a loaded machine may take long); a card not drawn yet reads NaN, not a count.
    const seen = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (seen.size < 3 && Date.now() < deadline) {
      const count = await recordsIn();
      if (!Number.isNaN(count)) seen.add(count);
      await page.waitForTimeout(300);
    }
    assert.ok(seen.size >= 3, `the card's counts change in place: ${[...seen].join(", ")}`);
    assert.equal(await page.locator(".sluice-job-card").count(), 1, "updated in place, not appended");
    assert.equal(await card.locator('svg[data-probe="kept"]').count(), 1, "the graph was patched, not redrawn");
    // Drill-down: a click on an operator shows its rate chart and its subtasks.
    await pages.click();
    const drill = page.locator(".sluice-job-drilldown");
    await drill.locator(".sluice-rate-chart polyline.rate-in").waitFor({ timeout: 30_000 });
    // The panel is redrawn whole at each update: each part is awaited, not read once after the chart.
    await page.locator(".sluice-job-drilldown", { hasText: /pages \[\d+\] · in [\d,]+\/s · out [\d,]+\/s/ }).waitFor({ timeout: 30_000 });
    await drill.locator("table.sluice-subtasks tr", { hasText: "#0" }).waitFor({ timeout: 30_000 });
    assert.equal(await drill.locator("table.sluice-subtasks tr").count(), 2, "a header and subtask #0");
    const before = await drill.locator("polyline.rate-in").getAttribute("points");
    type Doc = { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
    const points = (b: string | null) => (globalThis as unknown as { document: Doc }).document.querySelector(".sluice-job-drilldown polyline.rate-in")?.getAttribute("points") !== b;
    await page.waitForFunction(points, before, { timeout: 30_000 }); // the chart grows with each update
    const views = card.locator('g.operator:has(title:text-matches("^views \\\\["))');
    // Fill and text come in the same update; a later update may move the level below HIGH again, so the
    // text is awaited as the fill is, not read once after it.
    await views.locator('rect[fill="#ef9a9a"]').waitFor({ timeout: 30_000 });
    await views
      .locator("text", { hasText: /back-pressure HIGH/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const cancel = card.locator('button[data-sluice-action="cancel"]');
    await cancel.waitFor({ state: "visible", timeout: 30_000 }); // the extension shows the card's buttons
    await cancel.click();
    await page.locator(".Toastify__toast", { hasText: 'job "slow" cancelled' }).waitFor({ timeout: 30_000 });
    await card.locator(".sluice-job-status", { hasText: "cancelled" }).waitFor({ timeout: 30_000 });
    await card.locator("button[data-sluice-action]").first().waitFor({ state: "detached", timeout: 30_000 }); // a finished job's card has no buttons
    assert.equal(await card.locator("button[data-sluice-action]").count(), 0, "a finished job's card has no buttons");
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server was contacted");
    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? lab.dir);
    mkdirSync(outDir, { recursive: true });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(outDir, "jupyterlab-job-card.png") });
    t.diagnostic(`screenshot: ${join(outDir, "jupyterlab-job-card.png")}`);
  } catch (e) {
    // What the page showed when a step gave up: the card's text, the drill-down, anything blocked.
    const shown = await lab.page
      .locator(".jp-Notebook .jp-OutputArea")
      .allTextContents()
      .catch((err: unknown) => [`(could not read the outputs: ${String(err)})`]);
    t.diagnostic(`outputs when it failed: ${shown.join(" | ").replace(/\s+/g, " ").slice(0, 2000)}`);
    t.diagnostic(`blocked requests: ${lab.browser.blocked.join(", ") || "none"}`);
    throw e;
  } finally {
    await lab.close();
  }
});
