/**
 * The job card in a report: `sluice report` runs a notebook whose cell shows a job's card, and the
 * HTML report, opened in headless Chromium with the network cut, draws the card's graph in its final
 * state (finished, final counts) with no request leaving the machine and no buttons (they need a kernel).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runReport } from "../../kernel/src/report/runReport.js";
import { chromiumMissing, launchOffline } from "../support/chromium.js";

const code = (source: string) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source });

test("a report keeps the job card's final graph, drawn in Chromium with no network", async () => {
  assert.equal(chromiumMissing(), undefined);
  const dir = mkdtempSync(join(tmpdir(), "sluice-report-card-"));
  const notebook = join(dir, "card.ipynb");
  const cells = [
    code(
      [
        "const env = StreamEnvironment.create();",
        'env.fromSource(DataGen.pageViews({ seed: 1, count: 2000 })).name("views")',
        '  .map((v) => v.page).name("pages").rebalance()',
        "  .sinkTo(sinks.collect());",
        'const job = env.execute("counted");',
        "job.show({ details: true });",
      ].join("\n"),
    ),
  ];
  writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "sluice", display_name: "Sluice", language: "typescript" } }, cells }));
  const report = join(dir, "card.html");
  await runReport({ notebook, output: report });

  const browser = await launchOffline();
  try {
    const { page } = browser;
    await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
    const card = page.locator(".sluice-job-card");
    assert.equal(await card.count(), 1, "the report has the card");
    assert.match((await card.locator(".sluice-job-status").textContent()) ?? "", /finished/);
    const pages = card.locator('g.operator:has(title:text-matches("^pages \\\\["))');
    assert.match((await pages.locator("text").allTextContents()).join(" "), /in 2,000 · out 2,000/);
    assert.ok((await card.locator("svg g.operator").count()) === 3, "source, map and sink drawn");
    const box = await card.locator("svg").first().boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `the graph has a visible size: ${JSON.stringify(box)}`);
    assert.equal(await card.locator("button").count(), 0, "no buttons in a report");
    assert.deepEqual(browser.blocked, [], "the report made no network request");
  } finally {
    await browser.close();
  }
});
