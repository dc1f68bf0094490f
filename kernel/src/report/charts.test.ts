import { test } from "node:test";
import assert from "node:assert/strict";
import { CHART_HTML_MIME, chartHtml, chartOf, embeddableSpec, inertSvgImage, scriptSafeJson, withChartHtml } from "./charts.js";
import type { Notebook } from "./notebook.js";
import { withSafeOutputMetadata } from "./outputMetadata.js";

const nb = (outputs: NonNullable<Notebook["cells"][number]["outputs"]>): Notebook => ({
  cells: [{ cell_type: "code", metadata: {}, source: "c", outputs, execution_count: 1 }],
  metadata: { kernelspec: { name: "sluice" } },
  nbformat: 4,
  nbformat_minor: 5,
});
const specOf = (html: string): unknown => JSON.parse(/<script type="application\/json" class="sluice-chart-spec">(.*)<\/script>/.exec(html)?.[1] ?? "");

test("chart outputs become only the chart's HTML; other outputs are untouched", () => {
  const spec = { mark: "bar", data: { values: [{ s: "</script><b>" }] } };
  const source = nb([
    { output_type: "display_data", data: { "application/vnd.vegalite.v5+json": spec, "text/plain": "<VegaLite>", "application/javascript": "x()" }, metadata: {} },
    { output_type: "display_data", data: { "application/vnd.vega.v5+json": { marks: [] }, "image/svg+xml": "<svg id='static'/>" }, metadata: {} },
    { output_type: "stream", name: "stdout", text: "hi" },
    { output_type: "display_data", data: { [CHART_HTML_MIME]: "<script>forged()</script>", "text/plain": "x" }, metadata: {} },
  ]);
  const { notebook, charts } = withChartHtml(source);
  assert.equal(charts, 2);
  const [lite, vega, stream, forged] = notebook.cells[0]!.outputs!;
  assert.deepEqual(Object.keys(lite!.data!), [CHART_HTML_MIME], "nothing of the notebook's beside the chart (javascript would outrank it)");
  const html = String(lite!.data![CHART_HTML_MIME]);
  assert.match(html, /data-mode="vega-lite"/);
  assert.ok(!html.includes("</script><b>"), "spec text cannot close the script element");
  assert.deepEqual(specOf(html), spec);
  assert.match(String(vega!.data![CHART_HTML_MIME]), /data-mode="vega".*<img class="sluice-chart-fallback"/);
  assert.equal(stream!.data, undefined);
  assert.deepEqual(forged!.data, { "text/plain": "x" }, "a notebook cannot bring its own chart HTML");
  assert.ok(source.cells[0]!.outputs![0]!.data!["application/vnd.vegalite.v5+json"], "the executed notebook keeps its own outputs");
});

test("the static SVG is an inert data: image, never markup", () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><image href="x" onerror="alert(2)"/></svg>`;
  const html = chartHtml("vega-lite", {}, svg);
  assert.ok(!html.includes("onload") && !html.includes("onerror"), html);
  const src = /<img class="sluice-chart-fallback" alt="[^"]*" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)">/.exec(html)?.[1];
  assert.equal(Buffer.from(src ?? "", "base64").toString("utf8"), svg);
  assert.equal(inertSvgImage(""), "");
  assert.match(chartHtml("vega", {}), /<div class="sluice-chart-view"><\/div>/);
});

test("usermeta.embedOptions is dropped from the embedded spec; the rest of usermeta stays", () => {
  const spec = { mark: "bar", usermeta: { embedOptions: { actions: true, sourceHeader: "<script>x()</script>" }, mine: 1 } };
  assert.deepEqual(embeddableSpec(spec), { mark: "bar", usermeta: { mine: 1 } });
  assert.deepEqual(specOf(chartHtml("vega-lite", spec)), { mark: "bar", usermeta: { mine: 1 } });
  for (const plain of [{ mark: "bar" }, { usermeta: "x" }, null, [1]]) assert.equal(embeddableSpec(plain), plain);
});

test("chartOf prefers Vega-Lite and the newest version; scriptSafeJson round-trips", () => {
  const out = { output_type: "display_data", data: { "application/vnd.vegalite.v4+json": 4, "application/vnd.vegalite.v5+json": 5 } };
  assert.deepEqual(chartOf(out), { mode: "vega-lite", spec: 5, mime: "application/vnd.vegalite.v5+json" });
  assert.equal(chartOf({ output_type: "stream" }), undefined);
  const tricky = { s: "<!-- \u2028 </SCRIPT>" };
  assert.deepEqual(JSON.parse(scriptSafeJson(tricky)), tricky);
  assert.ok(!scriptSafeJson(tricky).includes("<"));
  assert.match(chartHtml("vega", {}), /data-state="pending"/);
});

test("image sizes that are not numbers are dropped, at the top level and per mime type", () => {
  const meta = { width: "1 onerror=x()", height: 20, "image/png": { width: 30, height: "40", x: 1 }, "image/jpeg": { height: "4 onload=y()" } };
  const cleaned = withSafeOutputMetadata(nb([{ output_type: "display_data", data: { "image/png": "AAAA" }, metadata: structuredClone(meta) }]));
  assert.deepEqual(cleaned.cells[0]!.outputs![0]!.metadata, { height: 20, "image/png": { width: 30, height: "40", x: 1 }, "image/jpeg": {} });
});
