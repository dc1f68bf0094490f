import { parseSortKeys } from "../sort/parseOrderBy.js";
import type { Expr, OverSpec } from "../ast.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import { parseExpr } from "../exprParser.js";
import type { TokenStream } from "../tokenStream.js";

const here = (s: TokenStream): SqlPosition => ({ line: s.peek.line, column: s.peek.column });

/** `OVER w` or `OVER (…)`, the OVER keyword next. */
export function parseOver(s: TokenStream): OverSpec {
  const at = here(s);
  s.expect("OVER");
  if (s.is("(")) return parseSpec(s, at);
  return { ref: s.ident("a window name or ("), partitionBy: [], orderBy: [], at };
}

/** `WINDOW w AS (…)[, w2 AS (…)]`, the WINDOW keyword next. */
export function parseWindowClause(s: TokenStream): Record<string, OverSpec> {
  s.expect("WINDOW");
  const windows: Record<string, OverSpec> = {};
  do {
    const name = s.ident("a window name");
    s.expect("AS");
    windows[name.toLowerCase()] = parseSpec(s, here(s));
  } while (s.accept(","));
  return windows;
}

/** `([PARTITION BY e, …] [ORDER BY e [ASC|DESC], …] [ROWS|RANGE [BETWEEN] … PRECEDING [AND CURRENT ROW]])` */
function parseSpec(s: TokenStream, at: SqlPosition): OverSpec {
  s.expect("(");
  const partitionBy: Expr[] = [];
  if (s.accept("PARTITION", "BY")) {
    do partitionBy.push(parseExpr(s));
    while (s.accept(","));
  }
  const orderBy = s.accept("ORDER", "BY") ? parseSortKeys(s) : [];
  let frame: OverSpec["frame"];
  const unitToken = s.peek;
  if (s.accept("ROWS") || s.accept("RANGE")) {
    const unit = unitToken.text.toLowerCase() as "rows" | "range";
    const between = s.accept("BETWEEN");
    frame = { unit, preceding: parseLowerBound(s, unit) };
    if (between) {
      s.expect("AND");
      if (!s.accept("CURRENT", "ROW")) throw new StreamSqlError("unsupported", "OVER frames ending other than at CURRENT ROW are not supported (Flink's streaming OVER neither)", here(s), s.peek.text);
    }
  }
  s.expect(")");
  return { partitionBy, orderBy, ...(frame ? { frame } : {}), at };
}

/** `UNBOUNDED PRECEDING`, `n PRECEDING` (ROWS), `INTERVAL '…' unit PRECEDING` (RANGE). */
function parseLowerBound(s: TokenStream, unit: "rows" | "range"): number | undefined {
  if (s.accept("UNBOUNDED", "PRECEDING")) return undefined;
  if (s.is("CURRENT")) throw new StreamSqlError("unsupported", "OVER frames starting at CURRENT ROW are not supported (Flink's streaming OVER neither)", here(s), s.peek.text);
  const token = s.peek;
  const bound = parseExpr(s);
  const position = { line: token.line, column: token.column };
  if (!s.accept("PRECEDING")) throw new StreamSqlError("unsupported", "OVER frames with FOLLOWING are not supported (Flink's streaming OVER neither)", here(s), s.peek.text);
  if (unit === "rows") {
    if (bound.kind !== "literal" || typeof bound.value !== "number" || !Number.isInteger(bound.value))
      throw new StreamSqlError("validation", "ROWS needs a whole number of rows PRECEDING", position, token.text);
    return bound.value;
  }
  if (bound.kind !== "interval") throw new StreamSqlError("unsupported", "RANGE over a time attribute needs INTERVAL '…' unit PRECEDING", position, token.text);
  return bound.millis;
}
