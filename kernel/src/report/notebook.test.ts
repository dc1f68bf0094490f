import { test } from "node:test";
import assert from "node:assert/strict";
import { chartHtml, chartOf, scriptSafeJson, withChartHtml } from "./charts.js";
import { ReportError } from "./errors.js";
import { DRAIN_TAG, INJECTED_TAG, parseNotebook, prepareNotebook, userCellIndex, withoutQuietDrain, type Cell, type Notebook } from "./notebook.js";

const code = (source: string, tags?: string[]): Cell => ({ cell_type: "code", metadata: tags ? { tags } : {}, source, outputs: [], execution_count: null });
const nb = (cells: Cell[]): Notebook => ({ cells, metadata: { kernelspec: { name: "sluice" } }, nbformat: 4, nbformat_minor: 5 });
const p = [{ name: "n", value: 3 }];

test("parameters are injected right after the cell tagged parameters", () => {
  const source = nb([code("a"), code("const n = 1;", ["parameters"]), code("n * 2")]);
  const prepared = prepareNotebook(source, p);
  const cells = prepared.notebook.cells;
  assert.deepEqual(cells.map((c) => c.source), ["a", "const n = 1;", cells[2]?.source, "n * 2", cells[4]?.source]);
  assert.deepEqual(cells[2]?.metadata.tags, [INJECTED_TAG]);
  assert.match(String(cells[2]?.source), /const n: number = 3;/);
  assert.deepEqual(cells[4]?.metadata.tags, [DRAIN_TAG]);
  assert.equal(source.cells.length, 3, "the user's notebook is not modified");
  assert.equal(userCellIndex(prepared, 3), 2);
  assert.equal(userCellIndex(prepared, 1), 1);
  assert.equal(userCellIndex(prepared, 2), undefined);
});

test("without a parameters cell the injection goes first; a stale injected cell is replaced", () => {
  const source = nb([code("old", [INJECTED_TAG]), code("x")]);
  const cells = prepareNotebook(source, p).notebook.cells;
  assert.equal(cells.length, 3);
  assert.deepEqual(cells[0]?.metadata.tags, [INJECTED_TAG]);
  assert.notEqual(cells[0]?.source, "old");
  assert.equal(cells[1]?.source, "x");
});

test("no parameters: nothing injected, only the drain cell, removed again when it stayed quiet", () => {
  const prepared = prepareNotebook(nb([code("x")]), []);
  assert.equal(prepared.notebook.cells.length, 2);
  assert.equal(withoutQuietDrain(prepared.notebook).cells.length, 1);
  const noisy = structuredClone(prepared.notebook);
  noisy.cells[1]!.outputs = [{ output_type: "error", ename: "JobFailed" }];
  assert.equal(withoutQuietDrain(noisy).cells.length, 2, "a failed wait stays visible in the report");
});

test("cell ids are only added to notebooks that have them (nbformat 4.5+)", () => {
  const old = { ...nb([code("x")]), nbformat_minor: 4 };
  assert.ok(prepareNotebook(old, p).notebook.cells.every((c) => c.id === undefined));
  assert.ok(prepareNotebook(nb([code("x")]), p).notebook.cells.some((c) => c.id === INJECTED_TAG));
});

test("parseNotebook rejects what is not an nbformat 4 notebook", () => {
  assert.throws(() => parseNotebook("{", "x.ipynb"), ReportError);
  assert.throws(() => parseNotebook('{"cells": [], "nbformat": 3}', "x.ipynb"), ReportError);
  const cells = parseNotebook('{"cells": [{"cell_type": "code", "source": ""}, {"cell_type": "code", "source": "", "id": "cell-0"}], "nbformat": 4, "nbformat_minor": 5}', "x").cells;
  assert.deepEqual(cells.map((c) => [c.id, c.outputs, c.execution_count]), [["cell-0-", [], null], ["cell-0", [], null]],
    "missing fields are filled in, ids deterministically and without clashes");
});

test("Vega-Lite and Vega outputs gain HTML with the spec; other outputs are untouched", () => {
  const spec = { mark: "bar", data: { values: [{ s: "</script><b>" }] } };
  const source = nb([code("c")]);
  source.cells[0]!.outputs = [
    { output_type: "display_data", data: { "application/vnd.vegalite.v5+json": spec, "text/plain": "<VegaLite>" }, metadata: {} },
    { output_type: "display_data", data: { "application/vnd.vega.v5+json": { marks: [] }, "image/svg+xml": "<svg id='static'/>" }, metadata: {} },
    { output_type: "stream", name: "stdout", text: "hi" },
  ];
  const { notebook, charts } = withChartHtml(source);
  assert.equal(charts, 2);
  const [lite, vega, stream] = notebook.cells[0]!.outputs!;
  const html = String(lite?.data?.["text/html"]);
  assert.match(html, /data-mode="vega-lite"/);
  assert.ok(!html.includes("</script><b>"), "spec text cannot close the script element");
  const json = /<script type="application\/json" class="sluice-chart-spec">(.*)<\/script>/.exec(html)?.[1];
  assert.deepEqual(JSON.parse(json ?? ""), spec);
  assert.match(String(vega?.data?.["text/html"]), /data-mode="vega".*<svg id='static'\/>/);
  assert.equal(stream?.data, undefined);
  assert.equal(source.cells[0]!.outputs![0]!.data!["text/html"], undefined, "the executed notebook keeps its own outputs");
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
