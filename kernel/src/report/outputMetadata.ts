import type { Notebook } from "./notebook.js";

/**
 * Output metadata that nbconvert's lab template writes into HTML without the quoting it needs:
 * an image's `width` / `height` land in unquoted attributes (`width={{ w | escape_html }}`), so
 * `"1 onerror=…"` adds an event handler even with sanitize_html. Jupyter's own renderers take
 * them as numbers; anything else is dropped from the copy the page is rendered from.
 */
const SIZE_KEYS = ["width", "height"] as const;

function isSize(v: unknown): boolean {
  return (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^\d+(\.\d+)?$/.test(v));
}

function cleanSizes(meta: Record<string, unknown>): void {
  for (const key of SIZE_KEYS) if (key in meta && !isSize(meta[key])) delete meta[key];
}

/** In place: every output's image sizes, at the top level and per mime type, are numbers or gone. */
export function withSafeOutputMetadata(notebook: Notebook): Notebook {
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      const meta = output.metadata;
      if (!meta || typeof meta !== "object") continue;
      cleanSizes(meta);
      for (const value of Object.values(meta)) {
        if (value && typeof value === "object" && !Array.isArray(value)) cleanSizes(value as Record<string, unknown>);
      }
    }
  }
  return notebook;
}
