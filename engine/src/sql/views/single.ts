import { escapeHtml } from "../../charts/tableView.js";
import type { Column } from "../catalog.js";
import { display, type Row } from "../connectors.js";

/**
 * The "single" result view of Zeppelin's `%flink.ssql(type=single, template=…)`: one value, the
 * last row's, filled into `template` where `{0}`, `{1}`, … stand for its columns (Zeppelin's syntax;
 * the template may hold HTML, as in Zeppelin, and the values are escaped into it). Without a
 * template, the first column's value. No row yet: the template's placeholders stay empty.
 */
export function singleBundle(columns: Column[], rows: Row[], template = "{0}"): Record<string, unknown> {
  const last = rows[rows.length - 1];
  const values = columns.map((c, i) => (last === undefined ? "" : display(last[i], c.type)));
  const fill = (quote: (s: string) => string): string => template.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < values.length ? quote(values[Number(n)] as string) : whole));
  const html = fill(escapeHtml);
  return { "text/html": `<div class="sluice-single" style="font-size:1.6em">${html}</div>`, "text/plain": fill((s) => s).replace(/<[^>]*>/g, "") };
}
