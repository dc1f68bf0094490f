/**
 * The signature experience in a real browser: JupyterLab (Debian's Chromium, no network but our
 * own server on loopback) runs a cell that starts a streaming job; the cell returns, and while
 * another cell runs and after it, the job's status line keeps counting and its chart keeps gaining
 * points and being drawn anew.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromiumMissing } from "../support/chromium.js";
import { openNotebook } from "../support/jupyterLab.js";
import { distinct, history, recordLiveCharts, recordsIn, summary, waitForHistory, type History } from "../support/liveChartHistory.js";

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

/** What happened after `from` (a history read earlier): updates and drawn frames while running. */
function since(h: History, from: History) {
  const updates = h.updates.slice(from.updates.length).filter((u) => /running/.test(u.status));
  const frames = h.frames.slice(from.frames.length).filter((f) => /running/.test(f.status) && f.coloured > 0);
  return {
    counts: distinct(updates.map((u) => recordsIn(u.status)).filter((n) => n > 0)),
    points: distinct(updates.map((u) => u.points).filter((p) => p > 0)),
    pictures: distinct(frames.map((f) => f.hash)),
  };
}

test("a running job's chart and status grow in JupyterLab while another cell runs", { skip: chromiumMissing() }, async (t) => {
  const lab = await openNotebook({ name: "live.ipynb", cells });
  try {
    const { page } = lab;
    await recordLiveCharts(page);
    await page.click(".jp-Notebook .jp-Cell >> nth=0");
    await page.keyboard.press("Shift+Enter"); // start the job: the cell returns at once
    await page.waitForSelector(".sluice-job-status", { timeout: 30_000 });
    await page.keyboard.press("Shift+Enter"); // another cell runs while the job does
    await page.locator(".jp-OutputArea-output", { hasText: /^42$/ }).waitFor({ timeout: 30_000 });

    // From the moment the other cell has answered: the status line counts on three times, the
    // chart gains points three times and is drawn three different ways.
    const mark = await history(page);
    const h = await waitForHistory(
      page,
      (h) => {
        const s = since(h, mark);
        return s.counts.length >= 3 && s.points.length >= 3 && s.pictures.length >= 3;
      },
      "the job's status counts on, its chart grows and is redrawn after another cell ran",
    );
    for (const line of summary(h).split("\n")) t.diagnostic(line);
    const after = h.updates.slice(mark.updates.length);
    assert.match(after[0]?.status ?? "", /running/);
    for (let i = 1; i < after.length; i++) {
      const [before, now] = [after[i - 1]!, after[i]!];
      assert.ok(recordsIn(now.status) >= recordsIn(before.status), `the status line never counts back: ${before.status} then ${now.status}`);
      assert.ok(now.points >= before.points, `the chart never loses points: ${before.points} then ${now.points}`);
    }
    assert.deepEqual(lab.browser.blocked, [], "nothing but our own server was contacted");

    const outDir = resolve(process.env.SLUICE_TEST_OUTPUT ?? lab.dir);
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, "jupyterlab-live-job.png") });
    t.diagnostic(`screenshot: ${join(outDir, "jupyterlab-live-job.png")}`);
  } finally {
    await lab.close();
  }
});
