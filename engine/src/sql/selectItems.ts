/**
 * A SELECT list as Flink names it (`*` expanded, aliases, EXPR$n, Calcite's uniquified repeats) and whether an
 * expression aggregates: what every planner step reads of the list before it plans anything.
 */
import type { Expr, Select } from "./ast.js";
import type { Column } from "./catalog.js";
import { StreamSqlError } from "./errors.js";

export interface NamedItem {
  expr: Expr;
  name: string;
}

/**
 * `*` expanded; names as Flink gives them: the alias, the column name, or EXPR$n by position, a
 * repeated name suffixed 0, 1, … (Calcite's uniquify: `SELECT *` over a join of two `id`s gives id, id0).
 */
export function expandStar(select: Select, columns: Column[], qualifier: string | undefined | (string | undefined)[]): NamedItem[] {
  const tableOf = (i: number): string | undefined => (Array.isArray(qualifier) ? qualifier[i] : qualifier);
  const items = select.items.flatMap((item, n): NamedItem[] => {
    if (item.kind === "star") {
      const star = item.table?.toLowerCase();
      const expanded = columns.flatMap((c, i) =>
        (star !== undefined && tableOf(i)?.toLowerCase() !== star) || item.except?.includes(c.name)
          ? []
          : [{ expr: { kind: "column", name: c.name, ...(tableOf(i) ? { table: tableOf(i) } : {}), at: item.at } as Expr, name: c.name }],
      );
      if (star !== undefined && expanded.length === 0) throw new StreamSqlError("validation", `Unknown identifier '${item.table}'`, item.at, item.table);
      return expanded;
    }
    return [{ expr: item.expr, name: item.alias ?? (item.expr.kind === "column" ? item.expr.name : `EXPR$${n}`) }];
  });
  const seen = new Set<string>();
  return items.map((item) => {
    let name = item.name;
    for (let k = 0; seen.has(name.toLowerCase()); k++) name = `${item.name}${k}`;
    seen.add(name.toLowerCase());
    return { ...item, name };
  });
}

const AGGREGATES = new Set(["COUNT", "SUM", "MIN", "MAX", "AVG"]);

export function containsAggregate(e: Expr): boolean {
  switch (e.kind) {
    case "call":
      return (AGGREGATES.has(e.name) && !e.over) || e.args.some(containsAggregate);
    case "unary":
    case "cast":
    case "isNull":
      return containsAggregate(e.arg);
    case "binary":
      return containsAggregate(e.left) || containsAggregate(e.right);
    case "case":
      return e.whens.some((w) => containsAggregate(w.when) || containsAggregate(w.then)) || (e.else !== undefined && containsAggregate(e.else));
    default:
      return false;
  }
}
