import type { Select } from "../ast.js";
import { StreamSqlError } from "../errors.js";
import { parseExpr } from "../exprParser.js";
import type { TokenStream } from "../tokenStream.js";

/** A SELECT's `ORDER BY e [ASC|DESC], … [LIMIT n]` (`FETCH FIRST n ROWS ONLY` as Flink also spells LIMIT). */
export function parseOrderByLimit(s: TokenStream): Pick<Select, "orderBy" | "limit"> {
  const out: Pick<Select, "orderBy" | "limit"> = {};
  if (s.accept("ORDER", "BY")) {
    const orderBy: NonNullable<Select["orderBy"]> = [];
    do {
      const expr = parseExpr(s);
      const desc = s.accept("DESC");
      if (!desc) s.accept("ASC");
      if (s.is("NULLS")) throw new StreamSqlError("unsupported", "NULLS FIRST/LAST is not supported yet", { line: s.peek.line, column: s.peek.column }, s.peek.text);
      orderBy.push({ expr, desc });
    } while (s.accept(","));
    out.orderBy = orderBy;
  }
  const fetch = s.is("FETCH");
  if (s.accept("LIMIT") || s.accept("FETCH", "FIRST") || s.accept("FETCH", "NEXT")) {
    const t = s.next();
    if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw s.error("expected the number of rows (a non-negative integer)", t);
    out.limit = Number(t.text);
    if (fetch) {
      if (!s.accept("ROWS") && !s.accept("ROW")) throw s.error("expected ROWS");
      s.expect("ONLY");
    }
  }
  return out;
}
