/**
 * Live charts read right in their static SVG (vega's headless renderer, what GitHub and nbviewer
 * show): 24-hour UTC time labels, window bars spanning [start, end), and a bar per key showing the
 * latest window, not every window stacked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chart } from "../../../engine/src/index.js";
import { renderSvg } from "./svgRender.js";

const T0 = Date.UTC(2026, 11, 3, 22, 14, 20);
const VL = "application/vnd.vegalite.v5+json";

type Sink = ReturnType<typeof chart.bar<Record<string, unknown>>>;

function windows(n: number, keys = ["a", "b"], sizeMs = 10_000): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) for (const key of keys) out.push({ key, start: T0 + i * sizeMs, end: T0 + (i + 1) * sizeMs, value: i + 1, firing: "on-time", late: false });
  return out;
}

async function svgOf(sink: Sink): Promise<string> {
  const svg = await renderSvg(sink.bundle()[VL] as Record<string, unknown>);
  assert.ok(svg, "rendered");
  return svg;
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? "");
/** The bars: Vega draws a rect as a path `M x,y h w v h h -w Z`. */
const rects = (svg: string) =>
  [...svg.matchAll(/<path[^>]*aria-roledescription="bar"[^>]*d="M([\d.]+),([\d.]+)h([\d.]+)v([\d.]+)h-[\d.]+Z"/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]), h: Number(m[4]) }));

test("time axes are labelled in 24-hour UTC, distinct, never .500 or 10:14 for 22:14Z", async () => {
  for (const n of [2, 3, 40]) {
    const sink = chart.line<Record<string, unknown>>({ x: "start:T", y: "value", color: "key" });
    sink.createWriter().write(windows(n), []);
    const labels = texts(await svgOf(sink));
    const ticks = labels.filter((l) => /\d/.test(l) && /:/.test(l));
    assert.ok(ticks.length >= 2, `${n} windows: tick labels ${labels.join(" | ")}`);
    for (const t of ticks) assert.match(t, /^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{3})?)?$/, `${n} windows: "${t}" in ${ticks.join(" | ")}`);
    assert.equal(new Set(ticks).size, ticks.length, `${n} windows: duplicate labels ${ticks.join(" | ")}`);
    assert.ok(
      ticks.some((t) => t.startsWith("22:1")),
      `${n} windows: ${ticks.join(" | ")}`,
    );
    assert.ok(labels.includes("start (UTC)"), `axis title says UTC: ${labels.join(" | ")}`);
  }
});

test("bars on a window's start axis span [start, end)", async () => {
  const sink = chart.bar<Record<string, unknown>>({ x: "start:T", y: "value", color: "key" });
  sink.createWriter().write(windows(3), []);
  const bars = rects(await svgOf(sink));
  assert.equal(bars.length, 6, JSON.stringify(bars));
  const xs = [...new Set(bars.map((b) => b.x.toFixed(1)))].map(Number).sort((a, b) => a - b);
  assert.equal(xs.length, 3);
  const width = bars[0]!.w;
  for (const b of bars) assert.ok(Math.abs(b.w - width) < 0.5, "every 10 s window is as wide");
  // Adjacent windows touch (but for Vega-Lite's 1 px bin spacing): each bar ends where the next begins.
  assert.ok(Math.abs(xs[0]! + width - xs[1]!) <= 1.5 && Math.abs(xs[1]! + width - xs[2]!) <= 1.5, `x ${xs.join(", ")}, width ${width}`);
  assert.ok(width > 100, `a 10 s window of 30 s is a third of 520 px, not a sliver: ${width}`);
});

test("a bar per key shows the key's latest window, not every window stacked", async () => {
  const sink = chart.bar<Record<string, unknown>>({ x: "key:N", y: "value" });
  const w = sink.createWriter();
  w.write(windows(3), []);
  // A late firing of an older window does not replace a newer one.
  w.write([{ key: "a", start: T0, end: T0 + 10_000, value: 100, firing: "late", late: true }], []);
  assert.deepEqual(
    sink.data.map((p) => [p.key, p.value]),
    [
      ["a", 3],
      ["b", 3],
    ],
  );
  const svg = await svgOf(sink);
  const numbers = texts(svg)
    .filter((t) => /^\d+(\.\d+)?$/.test(t))
    .map(Number);
  assert.equal(Math.max(...numbers), 3, `y axis: ${numbers.join(" ")}`);
  const bars = rects(svg);
  assert.equal(bars.length, 2);
  assert.equal(bars[0]!.h, bars[1]!.h);
  // Asked otherwise: every window stays (id says what a point is).
  const all = chart.bar<Record<string, unknown>>({ x: "key:N", y: "value", id: (r) => JSON.stringify([r.key, r.start]) });
  all.createWriter().write(windows(3), []);
  assert.equal(all.data.length, 6);
});
