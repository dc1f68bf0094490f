import type { Select, SortKey } from "../ast.js";
import { parseExpr } from "../exprParser.js";
import type { TokenStream } from "../tokenStream.js";

/** `NULLS FIRST` / `NULLS LAST` after an ORDER BY key, if written. */
function parseNulls(s: TokenStream): Pick<SortKey, "nullsFirst"> {
  if (!s.accept("NULLS")) return {};
  if (s.accept("FIRST")) return { nullsFirst: true };
  if (s.accept("LAST")) return { nullsFirst: false };
  throw s.error("expected FIRST or LAST after NULLS");
}

/** The keys after ORDER BY (a SELECT's or an OVER window's): `e [ASC|DESC] [NULLS FIRST|LAST], …`. */
export function parseSortKeys(s: TokenStream): SortKey[] {
  const keys: SortKey[] = [];
  do {
    const expr = parseExpr(s);
    const desc = s.accept("DESC");
    if (!desc) s.accept("ASC");
    keys.push({ expr, desc, ...parseNulls(s) });
  } while (s.accept(","));
  return keys;
}

/**
 * A SELECT's `ORDER BY e [ASC|DESC] [NULLS FIRST|LAST], … [LIMIT n] [OFFSET m [ROWS]]`, also spelled
 * as Flink does `[OFFSET m ROWS] FETCH FIRST|NEXT n ROWS ONLY` and `LIMIT n OFFSET m`.
 */
export function parseOrderByLimit(s: TokenStream): Pick<Select, "orderBy" | "limit" | "offset"> {
  const out: Pick<Select, "orderBy" | "limit" | "offset"> = {};
  if (s.accept("ORDER", "BY")) out.orderBy = parseSortKeys(s);
  const count = (): number => {
    const t = s.next();
    if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw s.error("expected a number of rows (a non-negative integer)", t);
    return Number(t.text);
  };
  const offset = (): void => {
    if (!s.accept("OFFSET")) return;
    out.offset = count();
    if (!s.accept("ROWS")) s.accept("ROW");
  };
  if (s.accept("LIMIT")) {
    out.limit = count();
    offset();
    return out;
  }
  offset();
  if (s.accept("FETCH")) {
    if (!s.accept("FIRST")) s.expect("NEXT");
    out.limit = count();
    if (!s.accept("ROWS")) s.expect("ROW");
    s.expect("ONLY");
  }
  return out;
}
