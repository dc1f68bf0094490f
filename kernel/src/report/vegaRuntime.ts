import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ReportError } from "./errors.js";

/**
 * The browser side of a report's charts: the UMD bundles of vega, vega-lite and vega-embed from
 * our npm dependencies, inlined so the page draws with no network, and the script that embeds
 * every `.sluice-chart` (charts.ts). Versions come from package.json, so they are the ones
 * the kernel validates specs against.
 */

const require = createRequire(import.meta.url);
const BUNDLES = ["vega", "vega-lite", "vega-embed"] as const;

interface Bundle {
  name: string;
  version: string;
  license: string;
  code: string;
}

/** The package folder of `name`: its entry point resolved, then up to the matching package.json. */
function packageRoot(name: string): { root: string; json: Record<string, unknown> } {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      if (json.name === name) return { root: dir, json };
    } catch {
      // no package.json at this level: keep climbing
    }
    const up = dirname(dir);
    if (up === dir) throw new ReportError(`cannot find the package folder of ${name} (run npm ci)`);
    dir = up;
  }
}

function loadBundle(name: string): Bundle {
  const { root, json } = packageRoot(name);
  // `unpkg` / `jsdelivr` name the browser (UMD) build in all three packages.
  const file = (json.unpkg ?? json.jsdelivr) as string | undefined;
  if (!file) throw new ReportError(`${name} names no browser bundle (unpkg/jsdelivr) in its package.json`);
  const code = readFileSync(join(root, file), "utf8")
    // A source map comment would make devtools fetch a file that is not beside the report.
    .replace(/^\/\/# sourceMappingURL=.*$/gm, "")
    // Inside <script>, the text `</script` would end the element early.
    .replace(/<\/script/gi, "<\\/script");
  return { name, version: String(json.version), license: String(json.license ?? "see package"), code };
}

let cached: Bundle[] | undefined;
function bundles(): Bundle[] {
  cached ??= BUNDLES.map(loadBundle);
  return cached;
}

export function runtimeVersions(): Record<string, string> {
  return Object.fromEntries(bundles().map((b) => [b.name, b.version]));
}

/**
 * Embeds each chart once the bundles have run. Progress is kept on `window.sluiceCharts` and on
 * each chart's `data-state` (pending → rendered | failed), so a test or a person with devtools
 * can see what happened; a failed chart shows its error and the static SVG, if there was one.
 *
 * The fallback is an <img> (charts.ts) that is detached and put back as the same node: no
 * markup is ever parsed again (innerHTML would run handlers). The options are forced: the specs
 * reach the page without `usermeta.embedOptions` (charts.ts), and these are all vega-embed reads
 * that matter here. SVG rendering keeps marks in the DOM and prints sharply; `actions: false`:
 * the menu links to the online Vega editor and "View Source" writes into a new window.
 */
const EMBED_SCRIPT = `
(function () {
  var status = { total: 0, rendered: 0, failed: 0, errors: [] };
  window.sluiceCharts = status;
  var charts = document.querySelectorAll(".sluice-chart");
  status.total = charts.length;
  charts.forEach(function (chart) {
    var view = chart.querySelector(".sluice-chart-view");
    var fallback = view.querySelector("img.sluice-chart-fallback");
    function fail(e) {
      status.failed++;
      status.errors.push(String(e && e.message || e));
      chart.setAttribute("data-state", "failed");
      view.replaceChildren();
      if (fallback) view.appendChild(fallback);
      var pre = document.createElement("pre");
      pre.className = "sluice-chart-error";
      pre.textContent = "chart could not be drawn: " + (e && e.message || e);
      chart.appendChild(pre);
    }
    try {
      var spec = JSON.parse(chart.querySelector("script.sluice-chart-spec").textContent);
      if (spec && spec.usermeta) delete spec.usermeta.embedOptions; // already gone; kept in case charts.ts is bypassed
      view.replaceChildren();
      var options = { mode: chart.getAttribute("data-mode"), renderer: "svg", actions: false };
      vegaEmbed(view, spec, options).then(function () {
        status.rendered++;
        chart.setAttribute("data-state", "rendered");
      }, fail);
    } catch (e) {
      fail(e);
    }
  });
})();
`;

/** The <script> elements to put at the end of a report's body. */
export function runtimeHtml(): string {
  const parts = bundles().map((b) => `<!-- ${b.name} ${b.version} (${b.license} licence), inlined from npm -->\n<script>\n${b.code}\n</script>`);
  parts.push(`<script>${EMBED_SCRIPT}</script>`);
  return parts.join("\n");
}
