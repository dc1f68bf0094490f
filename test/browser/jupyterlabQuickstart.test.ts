/**
 * The quickstart as a user first meets it: JupyterLab in Debian's Chromium (nothing reachable but our
 * own server on loopback) opens notebooks/quickstart.ipynb and runs all cells. While the job runs, the
 * live chart gains points at least three times and is redrawn between screenshots; then the `%%sql` cell answers
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

test("JupyterLab runs the quickstart: the live chart grows three times and is redrawn while the job runs, then SQL answers", { skip: chromiumMissing() }, async (t) => {
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

    // Sample the output model as fast as the page allows while the job runs (6,000 events at
    // 3,000/s: about 2 s). Screenshots take far longer than a model read on a loaded machine, so
    // they run in a loop of their own: the first and the last one taken while running are compared.
    type Sample = { points: number; sqlRows: number; status: string };
    const samples: Sample[] = [];
    const shots: { points: number; pixels: Buffer }[] = [];
    let running = true;
    const screenshots = (async () => {
      while (running) {
        const points = samples.at(-1)?.points ?? 0;
        const box = points > 0 ? await page.locator(".vega-embed").first().boundingBox() : null;
        if (box && running) shots.push({ points, pixels: await page.screenshot({ clip: box }) });
        else await page.waitForTimeout(20);
      }
    })();
    const deadline = Date.now() + 60_000;
    try {
      for (;;) {
        const s = await page.evaluate<Sample>(READ_MODEL);
        if (/running/.test(s.status) && s.points > (samples.at(-1)?.points ?? 0)) samples.push(s);
        if (/finished/.test(s.status) || Date.now() > deadline) break;
        await page.waitForTimeout(20);
      }
    } finally {
      running = false;
      await screenshots;
    }
    t.diagnostic(`chart points while running: ${samples.map((s) => s.points).join(" → ")}; screenshots at ${shots.map((s) => s.points).join(", ")} points`);
    assert.ok(samples.length >= 3, `the chart gained points at least three times while the job ran: ${samples.map((s) => s.points).join(", ")}`);
    for (let i = 1; i < samples.length; i++) assert.ok(samples[i]!.points > samples[i - 1]!.points);
    // The canvas is redrawn a moment after the model changes, so compare the first and last shots.
    assert.ok(shots.length >= 2 && shots.at(-1)!.points > shots[0]!.points, `two screenshots at different point counts while the job ran: ${shots.map((s) => s.points).join(", ")}`);
    assert.ok(!shots[0]!.pixels.equals(shots.at(-1)!.pixels), "the chart was redrawn while the job ran");

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
