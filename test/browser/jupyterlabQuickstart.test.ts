/**
 * The quickstart as a user first meets it: JupyterLab in Debian's Chromium (nothing reachable but our
 * own server on loopback) opens notebooks/quickstart.ipynb and runs all cells. While the job runs, the
 * live chart gains points over at least three successive screenshots; then the `%%sql` cell answers
 * from the table the job filled, and the final screenshot is saved (test-output/ in CI).
 * (jupyterlabLiveJob.test.ts shows another cell running while a job keeps going.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromiumMissing, launchOffline } from "./chromium.js";
import { repoRoot, startJupyterServer } from "../support/jupyterServer.js";

/** In the page: the chart points and the SQL rows in JupyterLab's output model, and the job status. */
const READ_MODEL = `(() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let points = 0, sqlRows = 0;
  for (let c = 0; c < cells.length; c++) {
    const outputs = cells.get(c).outputs;
    for (let i = 0; outputs && i < outputs.length; i++) {
      const data = outputs.get(i).data;
      points += data["application/vnd.vegalite.v5+json"]?.data?.values?.length ?? 0;
      if (cells.get(c).sharedModel.source.startsWith("%%sql")) sqlRows += (data["text/html"] ?? "").split("<tr").length - 2;
    }
  }
  return { points, sqlRows, status: document.querySelector(".sluice-job-status")?.textContent ?? "" };
})()`;

test("JupyterLab runs the quickstart: the live chart grows over three screenshots, then SQL answers", { skip: chromiumMissing() }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-quickstart-"));
  copyFileSync(join(repoRoot, "notebooks", "quickstart.ipynb"), join(dir, "quickstart.ipynb"));
  // expose_app_in_browser: the test reads JupyterLab's output model (window.jupyterapp).
  const server = await startJupyterServer(dir, ["--LabApp.expose_app_in_browser=True"]);
  const browser = await launchOffline({ allowLoopback: true });
  try {
    const { page } = browser;
    await page.goto(`${server.baseUrl}lab/tree/quickstart.ipynb?token=${server.token}`);
    await page.getByText("Sluice (TypeScript) | Idle").waitFor({ timeout: 60_000 });
    // Not awaited in the page: the command resolves only once every cell has run.
    await page.evaluate(`void window.jupyterapp.commands.execute("notebook:run-all-cells")`);

    // Sample as fast as the page allows while the job runs (6,000 events at 3,000/s: about 2 s).
    type Sample = { points: number; sqlRows: number; status: string; pixels?: Buffer };
    const samples: Sample[] = [];
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await page.evaluate<Sample>(READ_MODEL);
      if (/running/.test(s.status) && s.points > (samples.at(-1)?.points ?? 0)) {
        const box = await page.locator(".vega-embed").first().boundingBox();
        if (box) samples.push({ ...s, pixels: await page.screenshot({ clip: box }) });
      }
      if (/finished/.test(s.status) || Date.now() > deadline) break;
      await page.waitForTimeout(50);
    }
    t.diagnostic(`chart points while running: ${samples.map((s) => s.points).join(" → ")}`);
    assert.ok(samples.length >= 3, `at least three screenshots with more points each while the job ran: ${samples.map((s) => s.points).join(", ")}`);
    for (let i = 1; i < samples.length; i++) assert.ok(samples[i]!.points > samples[i - 1]!.points);
    // The canvas is redrawn a moment after the model changes, so compare the first and last shots.
    assert.ok(!samples[0]!.pixels!.equals(samples.at(-1)!.pixels!), "the chart was redrawn while the job ran");

    // Run-all goes on to the %%sql cell once the (bounded) job is done: six pages, top five listed.
    await page.waitForFunction(`(${READ_MODEL}).sqlRows === 5`, undefined, { timeout: 60_000 });
    assert.deepEqual(browser.blocked, [], "nothing but our own server was contacted");
    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? dir);
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, "jupyterlab-quickstart.png"), fullPage: true });
    t.diagnostic(`screenshot: ${join(outDir, "jupyterlab-quickstart.png")}`);
  } finally {
    await browser.close();
    await server.stop();
  }
});
