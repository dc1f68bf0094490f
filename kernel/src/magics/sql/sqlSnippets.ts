import { MagicUsageError } from "../magic.js";

/**
 * jupysql's saved queries: `%%sql --save NAME` keeps a cell's query under a name; a later query
 * that names it (or says `--with NAME`) gets it as a CTE, with the saved queries it names in turn,
 * dependencies first. Kernel-wide, like jupysql's store.
 */
const saved = new Map<string, string>();

export function saveQuery(name: string, sqlText: string): void {
  saved.set(name, sqlText.trim().replace(/;\s*$/, ""));
}

const names = (sqlText: string): string[] => [...saved.keys()].filter((n) => new RegExp(`(?<![\\w$."])${n}(?![\\w$"])`, "i").test(sqlText));

/**
 * `sqlText` with the saved queries it needs as a leading WITH clause; `prefixLines` is how many
 * lines that clause adds before the cell's own first line (to report errors at the cell's lines).
 */
export function withSavedQueries(sqlText: string, explicit: readonly string[], savingAs?: string): { text: string; prefixLines: number } {
  for (const n of explicit) if (!saved.has(n)) throw new MagicUsageError(`--with ${n}: no query saved as ${n} (saved: ${[...saved.keys()].join(", ") || "none"}; save one with %%sql --save ${n})`);
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (n: string): void => {
    if (order.includes(n) || n === savingAs) return;
    if (visiting.has(n)) throw new MagicUsageError(`saved query ${n} refers to itself through ${[...visiting].join(" → ")}`);
    visiting.add(n);
    for (const dep of names(saved.get(n) ?? "")) if (dep !== n) visit(dep);
    visiting.delete(n);
    order.push(n);
  };
  for (const n of [...explicit, ...names(sqlText)]) visit(n);
  if (order.length === 0) return { text: sqlText, prefixLines: 0 };
  const ctes = order.map((n) => `${n} AS (\n${saved.get(n)}\n)`).join(",\n");
  const own = /^(\s*)with\s+(recursive\s+)?/i.exec(sqlText);
  const text = own ? `WITH ${own[2] ? "RECURSIVE " : ""}${ctes},\n${own[1]}${sqlText.slice(own[0].length)}` : `WITH ${ctes}\n${sqlText}`;
  return { text, prefixLines: (`WITH ${ctes}\n`.match(/\n/g) ?? []).length };
}
