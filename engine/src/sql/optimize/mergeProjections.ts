/**
 * View merging (Calcite's ProjectMergeRule and FilterProjectTranspose, which Flink's planner applies):
 * `SELECT f(x) FROM (SELECT g(t) AS x FROM t WHERE p) WHERE q` becomes `SELECT f(g(t)) FROM t WHERE p AND
 * q(g(t))`, so a query over nexmark's `bid` view runs as one filter and one projection of the table's
 * rows instead of materialising the view's row first (one array per record less; RESULTS.md, "Sluice SQL").
 * Only projections and filters merge: an outer or inner aggregate, DISTINCT, `*` in the inner SELECT,
 * window TVFs, or an expression kind this module does not know leave the query as it is.
 */
import type { Expr, Query, Select, SelectItem } from "../ast.js";

type ViewLookup = (name: string) => Query | undefined;

class CannotMerge extends Error {}

/** The merged SELECT, or undefined when `outer` reads no mergeable view or subquery. */
export function mergeProjection(outer: Select, view: ViewLookup, isAggregated: (s: Select) => boolean): Select | undefined {
  if (outer.distinct || outer.groupBy.length > 0 || outer.having || isAggregated(outer)) return undefined;
  const from = outer.from;
  let inner: Query | undefined;
  let qualifier: string;
  if (from.kind === "table") {
    inner = view(from.name);
    qualifier = from.alias ?? from.name;
  } else if (from.kind === "subquery") {
    inner = from.query;
    qualifier = from.alias ?? "";
  } else return undefined;
  if (inner?.kind !== "select" || inner.distinct || inner.groupBy.length > 0 || inner.having || isAggregated(inner)) return undefined;
  if (inner.from.kind !== "table" && inner.from.kind !== "subquery") return undefined;
  const outputs = new Map<string, Expr>();
  const named: SelectItem[] = [];
  for (const [n, item] of inner.items.entries()) {
    if (item.kind === "star") return undefined;
    const name = item.alias ?? (item.expr.kind === "column" ? item.expr.name : `EXPR$${n}`);
    if (outputs.has(name.toLowerCase())) return undefined; // an ambiguous name: leave the error to the planner
    outputs.set(name.toLowerCase(), item.expr);
    named.push({ ...item, alias: name });
  }
  const substitute = (e: Expr): Expr =>
    mapColumns(e, (c) => {
      if (c.table !== undefined && c.table.toLowerCase() !== qualifier.toLowerCase()) throw new CannotMerge();
      const replacement = outputs.get(c.name.toLowerCase());
      if (!replacement) throw new CannotMerge();
      return replacement;
    });
  try {
    const items: SelectItem[] = outer.items.flatMap((item): SelectItem[] => {
      if (item.kind === "star") {
        if (item.table !== undefined && item.table.toLowerCase() !== qualifier.toLowerCase()) throw new CannotMerge();
        return named;
      }
      const alias = item.alias ?? (item.expr.kind === "column" ? item.expr.name : undefined);
      return [{ kind: "expr", expr: substitute(item.expr), ...(alias !== undefined ? { alias } : {}), at: item.at }];
    });
    const outerWhere = outer.where ? substitute(outer.where) : undefined;
    // CASE WHEN p THEN q ELSE FALSE END rather than p AND q: compiled to a conditional, so q (a division,
    // say) never sees a row the view's own WHERE dropped, as in the unmerged plan.
    const at = outer.where?.at ?? outer.at;
    const falseLiteral: Expr = { kind: "literal", value: false, type: { name: "BOOLEAN" }, at };
    // biome-ignore lint/suspicious/noThenProperty: named after SQL's CASE … THEN; a plain record, never awaited
    const both: Expr | undefined = inner.where && outerWhere ? { kind: "case", whens: [{ when: inner.where, then: outerWhere }], else: falseLiteral, at } : undefined;
    const where = both ?? inner.where ?? outerWhere;
    return { ...outer, items, from: inner.from, ...(where ? { where } : {}) };
  } catch (e) {
    if (e instanceof CannotMerge) return undefined;
    throw e;
  }
}

/** `e` with every column reference replaced by `f` of it; an unknown expression kind cannot be merged. */
function mapColumns(e: Expr, f: (c: Extract<Expr, { kind: "column" }>) => Expr): Expr {
  const m = (x: Expr): Expr => mapColumns(x, f);
  switch (e.kind) {
    case "column":
      return f(e);
    case "literal":
    case "interval":
      return e;
    case "unary":
    case "cast":
    case "isNull":
      return { ...e, arg: m(e.arg) };
    case "binary":
      return { ...e, left: m(e.left), right: m(e.right) };
    case "between":
      return { ...e, arg: m(e.arg), low: m(e.low), high: m(e.high) };
    case "in":
      return { ...e, arg: m(e.arg), list: e.list.map(m) };
    case "like":
      return { ...e, arg: m(e.arg), pattern: m(e.pattern) };
    case "case":
      return {
        ...e,
        ...(e.operand ? { operand: m(e.operand) } : {}),
        // biome-ignore lint/suspicious/noThenProperty: named after SQL's CASE … THEN; a plain record, never awaited
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        ...(e.else ? { else: m(e.else) } : {}),
      };
    case "call":
      return { ...e, args: e.args.map(m), ...(e.filter ? { filter: m(e.filter) } : {}) };
    default:
      throw new CannotMerge();
  }
}
