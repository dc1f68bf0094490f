/**
 * The quickstart as a user first meets it: JupyterLab in Debian's Chromium (nothing reachable but our
 * own server on loopback) opens notebooks/quickstart.ipynb and runs all cells. While the job runs, the
 * live chart gains points at least three times (and never loses any) and is drawn anew with them;
 * then the `%%sql` cell answers from the table the job filled, and the final screenshot is saved
 * (test-output/ in CI). (jupyterlabLiveJob.test.ts shows another cell running while a job keeps going.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromiumMissing } from "../support/chromium.js";
import { repoRoot } from "../support/jupyterServer.js";
import { NOTEBOOK, openNotebook } from "../support/jupyterLab.js";
import { distinct, recordLiveCharts, summary, waitForHistory } from "../support/liveChartHistory.js";

/** In the page: rows of the `%%sql` cell's HTML table. */
const SQL_ROWS = `(() => {
  const cells = ${NOTEBOOK}.model.cells;
  let rows = 0;
  for (let c = 0; c < cells.length; c++) {
    if (!cells.get(c).sharedModel.source.startsWith("%%sql")) continue;
    const outputs = cells.get(c).outputs;
    for (let i = 0; i < outputs.length; i++) rows += String(outputs.get(i).data["text/html"] ?? "").split("<tr").length - 2;
  }
  return rows;
})()`;

test("JupyterLab runs the quickstart: the live chart grows three times and is redrawn while the job runs, then SQL answers", { skip: chromiumMissing() }, async (t) => {
  const lab = await openNotebook({ copyOf: join(repoRoot, "notebooks", "quickstart.ipynb") });
  try {
    const { page } = lab;
    // The page records every model update and every new picture on the chart's canvas, so the
    // 2-second job (6,000 events at 3,000/s) is judged whole however slowly the test looks.
    await recordLiveCharts(page);
    // Not awaited in the page: the command resolves only once every cell has run.
    await page.evaluate(`void window.jupyterapp.commands.execute("notebook:run-all-cells")`);
    const h = await waitForHistory(page, (h) => /finished/.test(h.updates.at(-1)?.status ?? ""), "the job finishes");
    for (const line of summary(h).split("\n")) t.diagnostic(line);

    const points = h.updates.map((u) => u.points);
    for (let i = 1; i < points.length; i++) assert.ok(points[i]! >= points[i - 1]!, `the chart never loses points: ${points.join(", ")}`);
    const whileRunning = h.updates.filter((u) => /running/.test(u.status));
    const grew = distinct(whileRunning.map((u) => u.points).filter((p) => p > 0));
    assert.ok(grew.length >= 3, `the chart gained points at least three times while the job ran: ${grew.join(", ")}`);
    // Drawn (has coloured marks) and different: JupyterLab drew the chart anew with new data.
    const drawn = h.frames.filter((f) => /running/.test(f.status) && f.coloured > 0);
    assert.ok(distinct(drawn.map((f) => f.hash)).length >= 2, `the chart was drawn twice, differently, while the job ran:\n${summary(h)}`);

    // Run-all goes on to the %%sql cell once the (bounded) job is done: six pages, top five listed.
    await page.waitForFunction(`${SQL_ROWS} === 5`, undefined, { timeout: 60_000 });
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server was contacted");
    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? lab.dir);
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, "jupyterlab-quickstart.png"), fullPage: true });
    t.diagnostic(`screenshot: ${join(outDir, "jupyterlab-quickstart.png")}`);
  } finally {
    await lab.close();
  }
});
