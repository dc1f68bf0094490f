import type { TableOptions } from "./chartTypes.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const text = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

export function tableBundle(rows: Record<string, unknown>[], o: Pick<TableOptions<never>, "columns" | "title">): Record<string, unknown> {
  const columns = o.columns ?? Object.keys(rows[0] ?? {});
  const head = columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td>${esc(text(r[c]))}</td>`).join("")}</tr>`).join("");
  const title = o.title ? `<b>${esc(o.title)}</b>` : "";
  const plain = [columns.join("\t"), ...rows.map((r) => columns.map((c) => text(r[c])).join("\t"))].join("\n");
  return { "text/html": `${title}<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`, "text/plain": plain };
}
