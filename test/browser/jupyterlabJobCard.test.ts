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
    const seen = new Set<number>();
    const deadline = Date.now() + 30_000;
    while (seen.size < 3 && Date.now() < deadline) {
      seen.add(await recordsIn());
      await page.waitForTimeout(300);
    }
    assert.ok(seen.size >= 3, `the card's counts change in place: ${[...seen].join(", ")}`);
    assert.equal(await page.locator(".sluice-job-card").count(), 1, "updated in place, not appended");
    const views = card.locator('g.operator:has(title:text-matches("^views \\\\["))');
    await views.locator('rect[fill="#ef9a9a"]').waitFor({ timeout: 30_000 });
    assert.match((await views.locator("text").allTextContents()).join(" "), /back-pressure HIGH/);
    const cancel = card.locator('button[data-sluice-action="cancel"]');
    assert.ok(await cancel.isVisible(), "the extension shows the card's buttons");
    await cancel.click();
    await page.locator(".Toastify__toast", { hasText: 'job "slow" cancelled' }).waitFor({ timeout: 30_000 });
    await card.locator(".sluice-job-status", { hasText: "cancelled" }).waitFor({ timeout: 30_000 });
    assert.equal(await card.locator('button[data-sluice-action="cancel"]').count(), 0, "a finished job's card has no buttons");
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server was contacted");
    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? lab.dir);
    mkdirSync(outDir, { recursive: true });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(outDir, "jupyterlab-job-card.png") });
    t.diagnostic(`screenshot: ${join(outDir, "jupyterlab-job-card.png")}`);
  } finally {
    await lab.close();
  }
});
