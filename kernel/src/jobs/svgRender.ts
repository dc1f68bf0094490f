import { log } from "../log.js";

/**
 * A static SVG of a Vega-Lite spec, drawn by vega's own headless renderer, so viewers without a
 * Vega renderer (GitHub, nbviewer) still show the final chart. Loaded on first use: most
 * kernels never need it.
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string | undefined> {
  try {
    const [vl, vega] = await Promise.all([import("vega-lite"), import("vega")]);
    const compiled = vl.compile(spec as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    const svg = await view.toSVG();
    view.finalize();
    return svg;
  } catch (e) {
    log("warn", "could not render chart to SVG", { error: String(e) });
    return undefined;
  }
}
