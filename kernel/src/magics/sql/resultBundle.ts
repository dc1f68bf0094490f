import type { MimeBundle } from "../../display/mimeBundle.js";

export interface TabularResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
}

/** DuckDB type -> Frictionless Table Schema type (application/vnd.dataresource+json). */
export function tableSchemaType(duckType: string): string {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(duckType)) return "integer";
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL)/.test(duckType)) return "number";
  if (duckType === "BOOLEAN") return "boolean";
  if (duckType === "DATE") return "date";
  if (/^TIMESTAMP/.test(duckType)) return "datetime";
  if (/^TIME/.test(duckType)) return "time";
  if (/\[\]$|^LIST/.test(duckType)) return "array";
  if (/^(STRUCT|MAP|JSON)/.test(duckType)) return "object";
  if (/^(VARCHAR|UUID|BLOB|ENUM)/.test(duckType)) return "string";
  return "any";
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const numeric = (type: string): boolean => ["integer", "number"].includes(tableSchemaType(type));

function plainTable(r: TabularResult, shown: Record<string, unknown>[]): string {
  const header = r.columns.map((c) => c.name);
  const types = r.columns.map((c) => c.type);
  const body = shown.map((row) => r.columns.map((c) => cellText(row[c.name])));
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, (types[i] ?? "").length, ...body.map((b) => (b[i] ?? "").length))));
  const clip = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + "…" : s);
  const line = (cells: string[], right: boolean[]) => cells.map((s, i) => (right[i] ? clip(s, widths[i] ?? 0).padStart(widths[i] ?? 0) : clip(s, widths[i] ?? 0).padEnd(widths[i] ?? 0))).join(" │ ");
  const rights = types.map(numeric);
  const rule = widths.map((w) => "─".repeat(w)).join("─┼─");
  return [
    line(
      header,
      header.map(() => false),
    ),
    line(
      types,
      types.map(() => false),
    ),
    rule,
    ...body.map((b) => line(b, rights)),
  ].join("\n");
}

function htmlTable(r: TabularResult, shown: Record<string, unknown>[]): string {
  const head = r.columns.map((c) => `<th title="${escapeHtml(c.type)}">${escapeHtml(c.name)}<br><small style="font-weight:normal;opacity:.6">${escapeHtml(c.type)}</small></th>`).join("");
  const rows = shown
    .map(
      (row) =>
        `<tr>${r.columns
          .map((c) => {
            const v = row[c.name];
            const style = numeric(c.type) ? ' style="text-align:right"' : "";
            return v === null || v === undefined ? `<td${style}><i style="opacity:.5">NULL</i></td>` : `<td${style}>${escapeHtml(cellText(v))}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("");
  return `<table class="sluice-sql"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * A query result as a notebook shows it: an HTML table, a text table and the typed rows as a data
 * resource, each with the first `limit` rows only (0: all), and the total count. A notebook saves
 * every output, so a 300,000-row result must not ride along in any of them.
 */
export function resultBundle(r: TabularResult, limit: number): MimeBundle {
  const shown = limit > 0 ? r.rows.slice(0, limit) : r.rows;
  const total = r.rows.length;
  const footer = total > shown.length ? `showing ${shown.length.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows` : `${total.toLocaleString("en-US")} row${total === 1 ? "" : "s"}`;
  return {
    "text/html": `${htmlTable(r, shown)}<p style="opacity:.7">${footer}</p>`,
    "text/plain": `${plainTable(r, shown)}\n(${footer})`,
    "application/vnd.dataresource+json": {
      schema: { fields: r.columns.map((c) => ({ name: c.name, type: tableSchemaType(c.type) })) },
      data: shown,
    },
  };
}
