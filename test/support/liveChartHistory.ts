/**
 * What a live job looked like in JupyterLab, recorded inside the page as it happened, so a test
 * judges the whole history and not a few samples taken when the test got round to it. Polling from
 * the test missed most of it on a loaded machine: a 2-second job was over before a sample or a
 * screenshot came back, and an element handle on the chart went stale at once, because JupyterLab
 * builds a new Vega view (new `.vega-embed`, new canvas) for every update.
 *
 * - `updates`: every change of the notebook's output model, as JupyterLab applies the kernel's
 *   messages (in the order the kernel sent them): the chart's data points and the status line.
 * - `frames`: every new picture on the chart's canvas (looked at every 50 ms of animation frames),
 *   with its fingerprint and how many coloured pixels (marks and legend; axes and text are grey) it
 *   has, and the output model at that moment.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { NOTEBOOK } from "./jupyterLab.js";

export interface ModelState {
  /** Data points of every Vega-Lite output in the notebook. */
  points: number;
  /** The text/plain of the last Sluice job status line in the notebook ("" before there is one). */
  status: string;
  /** ms since the recording started (performance.now()). */
  t: number;
}

export interface Frame extends ModelState {
  hash: number;
  coloured: number;
}

export interface History {
  updates: ModelState[];
  frames: Frame[];
}

const RECORDER = `(() => {
  const nb = ${NOTEBOOK};
  const VEGA_LITE = "application/vnd.vegalite.v5+json";
  const start = performance.now();
  const history = (window.sluiceHistory = { updates: [], frames: [] });
  const read = () => {
    let points = 0, status = "";
    for (let c = 0; c < nb.model.cells.length; c++) {
      const outputs = nb.model.cells.get(c).outputs;
      for (let i = 0; outputs && i < outputs.length; i++) {
        const data = outputs.get(i).data;
        points += data[VEGA_LITE]?.data?.values?.length ?? 0;
        if (String(data["text/html"] ?? "").includes("sluice-job-status")) status = String(data["text/plain"] ?? "");
      }
    }
    return { points, status, t: Math.round(performance.now() - start) };
  };
  const update = () => {
    const s = read(), last = history.updates.at(-1);
    if (!last || last.points !== s.points || last.status !== s.status) history.updates.push(s);
  };
  for (let c = 0; c < nb.model.cells.length; c++) {
    const outputs = nb.model.cells.get(c).outputs;
    outputs?.changed.connect(update);
    outputs?.stateChanged.connect(update);
  }
  const fingerprint = (canvas) => {
    const px = new Uint32Array(canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    let hash = 0x811c9dc5, coloured = 0;
    for (let i = 0; i < px.length; i++) {
      const p = px[i];
      hash = Math.imul(hash ^ p, 16777619) >>> 0;
      const r = p & 255, g = (p >>> 8) & 255, b = (p >>> 16) & 255;
      if (p >>> 24 > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return { hash, coloured };
  };
  let looked = -Infinity;
  const look = (now) => {
    if (now - looked >= 50) {
      looked = now;
      const canvas = nb.node.querySelector(".vega-embed canvas");
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const f = fingerprint(canvas);
        if (history.frames.at(-1)?.hash !== f.hash) history.frames.push({ ...read(), ...f });
      }
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  update();
})()`;

/** Starts recording in the page; call it before running the cells. */
export async function recordLiveCharts(page: Page): Promise<void> {
  await page.evaluate(RECORDER);
}

export async function history(page: Page): Promise<History> {
  return page.evaluate<History>("window.sluiceHistory");
}

/** The records-in count of a status line ("● running · job "x" · 1,234 in · …"), NaN if none. */
export function recordsIn(status: string): number {
  return Number(status.match(/([\d,]+) in\b/)?.[1]?.replace(/,/g, "") ?? NaN);
}

/** The distinct values of `values` in the order they first occur. */
export function distinct<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Short text of a history for assertion messages. */
export function summary(h: History): string {
  const u = h.updates.map((s) => `${s.t}ms ${s.points}p ${s.status.slice(0, 10)}${Number.isNaN(recordsIn(s.status)) ? "" : ` ${recordsIn(s.status)} in`}`);
  const f = h.frames.map((s) => `${s.t}ms ${s.points}p ${s.coloured}c`);
  return `updates: ${u.join(" | ")}\nframes: ${f.join(" | ")}`;
}

/**
 * Waits until the recorded history satisfies `done` (checked every 100 ms: the page records every
 * step, so how often the test looks does not matter); fails with the history on timeout.
 */
export async function waitForHistory(page: Page, done: (h: History) => boolean, what: string, timeoutMs = 60_000): Promise<History> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await history(page);
    if (done(h)) return h;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs / 1000} s\n${summary(h)}`);
    await page.waitForTimeout(100);
  }
}
