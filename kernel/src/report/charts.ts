import type { Notebook, Output } from "./notebook.js";

/**
 * Turns every Vega / Vega-Lite output into HTML that the report's runtime (vegaRuntime.ts) embeds
 * in the browser. nbconvert knows no Vega mime type and would show the `text/plain` fallback; a
 * `text/html` entry outranks it (and a static `image/svg+xml`) in nbconvert's display priority.
 */

const VEGA_MIME = /^application\/vnd\.vega(lite)?\.v\d+\+json$/;

export type ChartMode = "vega" | "vega-lite";

/** The Vega or Vega-Lite spec of an output and its mode, if it has one. */
export function chartOf(output: Output): { mode: ChartMode; spec: unknown; mime: string } | undefined {
  if (!output.data) return undefined;
  // Prefer the newest version when an output carries several.
  const mimes = Object.keys(output.data).filter((m) => VEGA_MIME.test(m)).sort().reverse();
  const lite = mimes.find((m) => m.includes("vegalite"));
  const mime = lite ?? mimes[0];
  if (mime === undefined) return undefined;
  return { mode: lite ? "vega-lite" : "vega", spec: output.data[mime], mime };
}

/** JSON that is safe inside a <script> element: no `<` can close it or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function svgFallback(output: Output): string {
  const svg = output.data?.["image/svg+xml"];
  if (typeof svg === "string") return svg;
  return Array.isArray(svg) ? svg.join("") : "";
}

/**
 * The HTML of one chart: an empty view (or the static SVG, if the kernel sent one, shown until
 * the live chart replaces it or if embedding fails) and the spec as inert JSON.
 */
export function chartHtml(mode: ChartMode, spec: unknown, fallbackSvg = ""): string {
  return (
    `<div class="sluice-chart" data-mode="${mode}" data-state="pending">` +
    `<div class="sluice-chart-view">${fallbackSvg}</div>` +
    `<script type="application/json" class="sluice-chart-spec">${scriptSafeJson(spec)}</script>` +
    `</div>`
  );
}

/** A copy of the notebook in which each chart output also has its HTML; returns the count. */
export function withChartHtml(source: Notebook): { notebook: Notebook; charts: number } {
  const notebook = structuredClone(source);
  let charts = 0;
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      const chart = chartOf(output);
      if (!chart || !output.data) continue;
      output.data["text/html"] = chartHtml(chart.mode, chart.spec, svgFallback(output));
      charts++;
    }
  }
  return { notebook, charts };
}
