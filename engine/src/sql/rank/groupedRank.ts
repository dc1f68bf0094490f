import type { Expr, Select, SelectItem, SortKey } from "../ast.js";
import { resolveOver } from "../over/overAggregate.js";

const isRowNumber = (e: Expr): boolean => e.kind === "call" && e.name === "ROW_NUMBER" && e.over !== undefined;

/**
 * A Top-N whose inner SELECT aggregates (`SELECT page, COUNT(*) AS c, ROW_NUMBER() OVER (ORDER BY
 * COUNT(*) DESC) AS rn FROM clicks GROUP BY page`), rewritten as Calcite plans it: the aggregate
 * first (the inner SELECT without ROW_NUMBER, the OVER's keys added as hidden columns where they are
 * not plain output columns), then the rank over its result — an updating one for a GROUP BY, which
 * the Top-N over an updating input takes. The outer SELECT's `*` leaves the hidden columns out.
 * Undefined when the inner SELECT does not aggregate.
 */
export function rewriteGroupedRank(outer: Select, inner: Select, aggregates: (s: Select) => boolean): Select | undefined {
  if (inner.groupBy.length === 0 && !inner.having && !aggregates(inner)) return undefined;
  const at = inner.at;
  const rank = inner.items.find((i): i is Extract<SelectItem, { kind: "expr" }> => i.kind === "expr" && isRowNumber(i.expr));
  if (!rank || rank.expr.kind !== "call" || !rank.expr.over) return undefined;
  const spec = resolveOver(rank.expr.over, inner);
  const items = inner.items.filter((i) => i !== rank);
  const named = new Map<string, string>();
  for (const i of items) if (i.kind === "expr") named.set(signature(i.expr), i.alias ?? (i.expr.kind === "column" ? i.expr.name : ""));
  const hidden: string[] = [];
  // An OVER key as a column of the aggregate's result: its output name, or a hidden item computing it.
  const column = (e: Expr): Expr => {
    const name = named.get(signature(e));
    if (name) return { kind: "column", name, at: e.at };
    const alias = `$rank_key${hidden.length}`;
    hidden.push(alias);
    named.set(signature(e), alias);
    items.push({ kind: "expr", expr: e, alias, at: e.at });
    return { kind: "column", name: alias, at: e.at };
  };
  const partitionBy = spec.partitionBy.map(column);
  const orderBy: SortKey[] = spec.orderBy.map((o) => ({ ...o, expr: column(o.expr) }));
  const { windows: _, ...grouped } = inner;
  const base: Select = { ...grouped, items };
  const rowNumber: Expr = { ...rank.expr, over: { partitionBy, orderBy, at: spec.at } };
  const ranked: Select = {
    kind: "select",
    distinct: false,
    items: [
      { kind: "star", at },
      { ...rank, expr: rowNumber },
    ],
    from: { kind: "subquery", query: base, at },
    groupBy: [],
    at,
  };
  const from = outer.from.kind === "subquery" ? { ...outer.from, query: ranked } : outer.from;
  const outerItems = outer.items.map((i) => (i.kind === "star" && hidden.length > 0 ? { ...i, except: [...(i.except ?? []), ...hidden] } : i));
  return { ...outer, items: outerItems, from };
}

const signature = (e: unknown): string => JSON.stringify(e, (k, v: unknown) => (k === "at" ? undefined : v));
