import type { Notebook, Output } from "./notebook.js";

/**
 * Turns every Vega / Vega-Lite output into HTML that the report's runtime (vegaRuntime.ts) embeds
 * in the browser. nbconvert knows no Vega mime type and would show the `text/plain` fallback, so
 * the report template renders our own mime type (CHART_HTML_MIME) ahead of all others.
 */

const VEGA_MIME = /^application\/vnd\.vega(lite)?\.v\d+\+json$/;

export type ChartMode = "vega" | "vega-lite";

/** The Vega or Vega-Lite spec of an output and its mode, if it has one. */
export function chartOf(output: Output): { mode: ChartMode; spec: unknown; mime: string } | undefined {
  if (!output.data) return undefined;
  // Prefer the newest version when an output carries several.
  const mimes = Object.keys(output.data)
    .filter((m) => VEGA_MIME.test(m))
    .sort()
    .reverse();
  const lite = mimes.find((m) => m.includes("vegalite"));
  const mime = lite ?? mimes[0];
  if (mime === undefined) return undefined;
  return { mode: lite ? "vega-lite" : "vega", spec: output.data[mime], mime };
}

/** JSON that is safe inside a <script> element: no `<` can close it or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function svgFallback(output: Output): string {
  const svg = output.data?.["image/svg+xml"];
  if (typeof svg === "string") return svg;
  return Array.isArray(svg) ? svg.join("") : "";
}

/**
 * The mime type under which a chart's HTML reaches the report template (report.html.j2), which
 * puts it first in nbconvert's display priority and writes it unfiltered, also with --sanitize:
 * the HTML is ours (chartHtml), so no output of the notebook may carry this type itself.
 */
export const CHART_HTML_MIME = "application/vnd.sluice.report-chart+html";

/**
 * The spec as the report embeds it. vega-embed merges `usermeta.embedOptions` over the options
 * the page passes (an action menu whose "View Source" writes the spec's `sourceHeader` into a
 * window, a loader with a base URL, a renderer); a report forces the options it means.
 */
export function embeddableSpec(spec: unknown): unknown {
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return spec;
  const usermeta = (spec as { usermeta?: unknown }).usermeta;
  if (!usermeta || typeof usermeta !== "object" || !("embedOptions" in usermeta)) return spec;
  const { embedOptions: _dropped, ...rest } = usermeta as Record<string, unknown>;
  return { ...spec, usermeta: rest };
}

/**
 * The static SVG as an image: an SVG document loaded by <img> runs no script and loads nothing,
 * as nbconvert shows `image/svg+xml` outputs; markup pasted into the page would run its handlers.
 */
export function inertSvgImage(svg: string): string {
  if (svg === "") return "";
  return `<img class="sluice-chart-fallback" alt="chart (static)" src="data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}">`;
}

/**
 * The HTML of one chart: an empty view (or the static SVG, if the kernel sent one, shown until
 * the live chart replaces it or if embedding fails) and the spec as inert JSON.
 */
export function chartHtml(mode: ChartMode, spec: unknown, fallbackSvg = ""): string {
  return (
    `<div class="sluice-chart" data-mode="${mode}" data-state="pending">` +
    `<div class="sluice-chart-view">${inertSvgImage(fallbackSvg)}</div>` +
    `<script type="application/json" class="sluice-chart-spec">${scriptSafeJson(embeddableSpec(spec))}</script>` +
    `</div>`
  );
}

/** A copy of the notebook in which each chart output is replaced by its HTML; returns the count. */
export function withChartHtml(source: Notebook): { notebook: Notebook; charts: number } {
  const notebook = structuredClone(source);
  let charts = 0;
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      if (!output.data) continue;
      delete output.data[CHART_HTML_MIME];
      const chart = chartOf(output);
      if (!chart) continue;
      // Only the chart is shown: any other entry (text/html, application/javascript) would be the
      // notebook's, and some outrank ours in nbconvert's priority.
      output.data = { [CHART_HTML_MIME]: chartHtml(chart.mode, chart.spec, svgFallback(output)) };
      charts++;
    }
  }
  return { notebook, charts };
}
