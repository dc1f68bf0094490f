import type { TableOptions } from "./chartTypes.js";

/** Text put into HTML (an element's content or a quoted attribute). */
export const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const text = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** Cells already rendered as text, as an HTML table and as tab-separated text; a title above it, a caption below. */
export function textTableBundle(head: readonly string[], cells: readonly (readonly string[])[], o: { title?: string | undefined; caption?: string | undefined } = {}): Record<string, unknown> {
  const th = head.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = cells.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`).join("");
  const title = o.title ? `<b>${escapeHtml(o.title)}</b>` : "";
  const caption = o.caption !== undefined ? `<small>${escapeHtml(o.caption)}</small>` : "";
  const plain = [head.join("\t"), ...cells.map((r) => r.join("\t")), ...(o.caption !== undefined ? [o.caption] : [])].join("\n");
  return { "text/html": `${title}<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>${caption}`, "text/plain": plain };
}

export function tableBundle(rows: Record<string, unknown>[], o: Pick<TableOptions<never>, "columns" | "title">): Record<string, unknown> {
  const columns = o.columns ?? Object.keys(rows[0] ?? {});
  return textTableBundle(
    columns,
    rows.map((r) => columns.map((c) => text(r[c]))),
    { title: o.title },
  );
}
