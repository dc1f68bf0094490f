/**
 * Functions every cell can call without importing anything (the kernel pre-imports them).
 *
 * @example
 * display.html("<b>hello</b>");
 * const h = display.handle("counting…"); h.update("done");
 * const name = await input("Your name? ");
 */
import { randomUUID } from "node:crypto";
import { DISPLAY, MimeBundle, toMimeBundle } from "../display/mimeBundle.js";
import { cellHost } from "./cellHost.js";
import { renderSvg } from "../jobs/svgRender.js";

export { DISPLAY };
export type { MimeBundle };

/** A display that can be replaced in place later (Jupyter's display_id). */
export interface DisplayHandle {
  readonly displayId: string;
  update(value: unknown): void;
}

function show(bundle: MimeBundle, displayId?: string): DisplayHandle {
  const id = displayId ?? randomUUID();
  cellHost().display(bundle, { displayId: id });
  return {
    displayId: id,
    update: (value) => cellHost().display(toMimeBundle(value), { displayId: id, update: true }),
  };
}

/** A value with an explicit mime type, e.g. `mime("text/html", "<i>x</i>")`. */
export function mime(type: string, data: unknown, text = String(type)): { [DISPLAY](): MimeBundle } {
  return { [DISPLAY]: () => ({ [type]: data, "text/plain": text }) };
}

/**
 * Shows values in the cell's output. The shorthands return nothing, so a cell ending in
 * `display.html(...)` shows the HTML once; `display.handle` returns a handle to update in place.
 */
export interface Display {
  (value: unknown): void;
  html(s: string): void;
  markdown(s: string): void;
  svg(s: string): void;
  json(v: unknown): void;
  /** Any Vega-Lite v5 spec; JupyterLab renders it natively. */
  vegaLite(spec: Record<string, unknown>): void;
  /** A raw mime bundle, e.g. `{ "text/csv": "a,b", "text/plain": "a,b" }`. */
  raw(bundle: MimeBundle): void;
  /** Shows a value and returns a handle whose update() replaces it wherever it is shown. */
  handle(value: unknown, displayId?: string): DisplayHandle;
}

export const display: Display = Object.assign((value: unknown): void => void show(toMimeBundle(value)), {
  html: (s: string): void => void show({ "text/html": s, "text/plain": "[HTML]" }),
  markdown: (s: string): void => void show({ "text/markdown": s, "text/plain": s }),
  svg: (s: string): void => void show({ "image/svg+xml": s, "text/plain": "[SVG]" }),
  json: (v: unknown): void => void show({ "application/json": v, "text/plain": JSON.stringify(v, null, 2) }),
  vegaLite: (spec: Record<string, unknown>): void => {
    // Shown at once, in order with the cell's other output; the static SVG (for viewers
    // without Vega) is added in place when vega has drawn it, before the cell's reply.
    const bundle = { "application/vnd.vegalite.v5+json": spec, "text/plain": "[Vega-Lite chart]" };
    const { displayId } = show(bundle);
    cellHost().hold(
      renderSvg(spec).then((svg) => {
        if (svg) cellHost().display({ ...bundle, "image/svg+xml": svg }, { displayId, update: true });
      }),
    );
  },
  raw: (bundle: MimeBundle): void => void show(bundle),
  handle: (value: unknown, displayId?: string): DisplayHandle => show(toMimeBundle(value), displayId),
});

/** Clears the cell's output; with `wait`, only when the next output arrives (no flicker). */
export function clearOutput(wait = false): void {
  cellHost().clearOutput(wait);
}

/** Asks the notebook user for a line of text (needs a client that allows stdin). */
export function input(prompt = ""): Promise<string> {
  return cellHost().input(prompt, false);
}

/** Like input, but the frontend hides what is typed. */
export function password(prompt = ""): Promise<string> {
  return cellHost().input(prompt, true);
}

/** Shows a value in the notebook's pager (the help panel) instead of the output area. */
export function page(value: unknown): void {
  cellHost().page(typeof value === "string" ? { "text/plain": value } : toMimeBundle(value));
}

export { liveUpdates } from "../jobs/liveSettings.js";
