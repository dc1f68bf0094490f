/**
 * `sluice report` end to end: a real Sluice kernel (the kernelspec in .venv) runs a notebook
 * with parameters through nbclient, and the HTML it writes carries everything a browser needs to
 * draw the charts offline. test/browser/report.test.ts then checks that a browser really draws.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CellExecutionError } from "../../kernel/src/report/errors.js";
import { parseParameter, parseRawParameter } from "../../kernel/src/report/parameters.js";
import { runReport } from "../../kernel/src/report/runReport.js";
import { runtimeVersions } from "../../kernel/src/report/vegaRuntime.js";

type Cell = { cell_type: string; metadata: { tags?: string[] }; source: string; outputs?: Array<Record<string, unknown>> };

const code = (source: string, tags?: string[]): Cell => ({ cell_type: "code", metadata: tags ? { tags } : {}, source, outputs: [] });
function notebook(dir: string, cells: Cell[]): string {
  const path = join(dir, "analysis.ipynb");
  const nb = { cells, metadata: { kernelspec: { name: "sluice", display_name: "Sluice (TypeScript)", language: "typescript" } }, nbformat: 4, nbformat_minor: 5 };
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

const CHART = `display.vegaLite({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title: title,
  data: { values: [1, 2, 3].map((i) => ({ k: "k" + i, v: i * factor })) },
  mark: "bar",
  encoding: { x: { field: "k", type: "nominal" }, y: { field: "v", type: "quantitative" } },
});`;

test("a parameterised notebook becomes an offline HTML report and an executed notebook", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-report-it-"));
  const path = notebook(dir, [
    { cell_type: "markdown", metadata: {}, source: "# Sales by region" },
    code('const factor = 1;\nconst title = "default";\nconst verbose = false;', ["parameters"]),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the cell's own template literal, run by the kernel
    code('console.log(`factor=${factor} title=${title} verbose=${verbose} cwd=${process.cwd()}`);\nconst shout: string = verbose ? "yes" : "no";\nshout'),
    code(CHART),
  ]);
  const output = join(dir, "out", "report.html");
  const result = await runReport({
    notebook: path,
    output,
    notebookOutput: join(dir, "out", "executed.ipynb"),
    parameters: [parseParameter("factor=10"), parseRawParameter("title=Q3 <North>"), parseParameter("verbose=true")],
  });
  assert.equal(result.charts, 1);

  const executed = JSON.parse(readFileSync(join(dir, "out", "executed.ipynb"), "utf8")) as { cells: Cell[] };
  assert.deepEqual(
    executed.cells.map((c) => c.metadata.tags?.[0] ?? c.cell_type),
    ["markdown", "parameters", "injected-parameters", "code", "code"],
    "the injected cell sits after the parameters cell; the quiet drain cell is gone",
  );
  const printed = executed.cells[3]?.outputs?.find((o) => o.output_type === "stream");
  assert.equal(String(printed?.text), `factor=10 title=Q3 <North> verbose=true cwd=${dir}\n`, "injected values win; the kernel runs in the notebook's folder");
  const chart = executed.cells[4]?.outputs?.[0] as { data: Record<string, { title: string; data: { values: Array<{ v: number }> } }> };
  const spec = chart.data["application/vnd.vegalite.v5+json"];
  assert.equal(spec?.title, "Q3 <North>");
  assert.deepEqual(
    spec?.data.values.map((r) => r.v),
    [10, 20, 30],
  );
  assert.equal(chart.data["text/html"], undefined, "the executed notebook keeps the kernel's own outputs");

  const html = readFileSync(output, "utf8");
  for (const [name, version] of Object.entries(runtimeVersions())) {
    assert.ok(html.includes(`<!-- ${name} ${version} `), `${name} ${version} is inlined`);
  }
  // assert.ok, not assert.match: a failure would print the whole 1 MB page.
  assert.ok(!/<script[^>]+src=/.test(html), "no script is loaded from anywhere");
  assert.ok(!/<link[^>]+href=["']?https?:/.test(html), "no stylesheet is loaded from anywhere");
  assert.ok(html.includes('class="sluice-chart" data-mode="vega-lite"'), "the chart's container is there");
  assert.ok(html.includes('"title":"Q3 \\u003cNorth>"'), "the spec is embedded, with < escaped");
  assert.ok(html.includes("<title>analysis</title>"), "the page is titled after the notebook");

  // Reproducible: the same notebook and parameters give the same page and notebook, byte for byte.
  // The notebook goes to the same path: its metadata.papermill names the output path.
  const firstNotebook = readFileSync(join(dir, "out", "executed.ipynb"), "utf8");
  const again = await runReport({
    notebook: path,
    output: join(dir, "again", "report.html"),
    notebookOutput: join(dir, "out", "executed.ipynb"),
    parameters: [parseParameter("factor=10"), parseRawParameter("title=Q3 <North>"), parseParameter("verbose=true")],
  });
  assert.ok(readFileSync(again.output, "utf8") === html, "the report is byte-identical on a re-run");
  assert.equal(readFileSync(join(dir, "out", "executed.ipynb"), "utf8"), firstNotebook);
});

test("a failing cell still writes the report, showing the error, then raises with the cell", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-report-it-"));
  const path = notebook(dir, [code("const rows = 3;", ["parameters"]), code('if (rows > 2) throw new RangeError("too many rows: " + rows);'), code('console.log("never runs");')]);
  const output = join(dir, "report.html");
  await assert.rejects(
    runReport({ notebook: path, output, parameters: [parseParameter("rows=5")] }),
    (e: unknown) => e instanceof CellExecutionError && e.context.cell === 1 && e.ename === "RangeError" && /too many rows: 5/.test(e.evalue),
  );
  const html = readFileSync(output, "utf8");
  assert.ok(html.includes("too many rows: 5"), "the error is in the report");
  assert.ok(!html.includes("never runs</pre>"), "cells after the error did not run");
});

test("the quickstart notebook's report has its live chart's final state and no network dependency", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-report-it-"));
  const output = join(dir, "quickstart.html");
  const result = await runReport({ notebook: new URL("../../../notebooks/quickstart.ipynb", import.meta.url).pathname, output });
  assert.equal(result.charts, 1);
  const html = readFileSync(output, "utf8");
  assert.ok(html.includes("finished"), "the job's final status line is in the report");
  assert.ok(html.includes('"type":"line"'));
  assert.ok(!/<script[^>]+src=/.test(html));
});
