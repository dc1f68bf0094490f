import type { BinaryOp, Expr, Query } from "./ast.js";
import type { SqlPosition } from "./errors.js";
import { parseOver } from "./over/overSpec.js";
import type { TokenStream } from "./tokenStream.js";
import { parseRowType } from "./rows/rowType.js";
import { typeByName, type SqlType } from "./types.js";

/** The query parser (parser.ts), set by it: a subquery in an expression (`IN (SELECT …)`, `EXISTS (…)`) is a query. */
let parseSubquery: (s: TokenStream) => Query = () => {
  throw new Error("the query parser is not registered");
};
export function setSubqueryParser(parse: (s: TokenStream) => Query): void {
  parseSubquery = parse;
}

const pos = (s: TokenStream): SqlPosition => ({ line: s.peek.line, column: s.peek.column });

/** Expressions by SQL precedence: OR < AND < NOT < comparison/IS/IN/LIKE/BETWEEN < + - || < * / % < unary. */
export function parseExpr(s: TokenStream): Expr {
  return parseOr(s);
}

function parseOr(s: TokenStream): Expr {
  let left = parseAnd(s);
  while (s.is("OR")) {
    const at = pos(s);
    s.next();
    left = { kind: "binary", op: "OR", left, right: parseAnd(s), at };
  }
  return left;
}

function parseAnd(s: TokenStream): Expr {
  let left = parseNot(s);
  while (s.is("AND")) {
    const at = pos(s);
    s.next();
    left = { kind: "binary", op: "AND", left, right: parseNot(s), at };
  }
  return left;
}

function parseNot(s: TokenStream): Expr {
  if (s.is("NOT")) {
    const at = pos(s);
    s.next();
    return { kind: "unary", op: "NOT", arg: parseNot(s), at };
  }
  return parseComparison(s);
}

const COMPARISONS = ["=", "<>", "!=", "<=", ">=", "<", ">"];

function parseComparison(s: TokenStream): Expr {
  const left = parseAdditive(s);
  const at = pos(s);
  const op = COMPARISONS.find((o) => s.is(o));
  if (op) {
    s.next();
    return { kind: "binary", op: (op === "!=" ? "<>" : op) as BinaryOp, left, right: parseAdditive(s), at };
  }
  if (s.accept("IS")) {
    const negated = s.accept("NOT");
    s.expect("NULL");
    return { kind: "isNull", arg: left, negated, at };
  }
  const negated = s.is("NOT") && (s.is("IN", 1) || s.is("LIKE", 1) || s.is("BETWEEN", 1));
  if (negated) s.next();
  if (s.accept("BETWEEN")) {
    const low = parseAdditive(s);
    s.expect("AND");
    return { kind: "between", arg: left, low, high: parseAdditive(s), negated, at };
  }
  if (s.accept("LIKE")) return { kind: "like", arg: left, pattern: parseAdditive(s), negated, at };
  if (s.accept("IN")) {
    s.expect("(");
    if (s.is("SELECT")) {
      const query = parseSubquery(s);
      s.expect(")");
      return { kind: "inQuery", arg: left, query, negated, at };
    }
    const list = [parseExpr(s)];
    while (s.accept(",")) list.push(parseExpr(s));
    s.expect(")");
    return { kind: "in", arg: left, list, negated, at };
  }
  return left;
}

function parseAdditive(s: TokenStream): Expr {
  let left = parseMultiplicative(s);
  for (;;) {
    const at = pos(s);
    const op = ["+", "-", "||"].find((o) => s.is(o));
    if (!op) return left;
    s.next();
    left = { kind: "binary", op: op as BinaryOp, left, right: parseMultiplicative(s), at };
  }
}

function parseMultiplicative(s: TokenStream): Expr {
  let left = parseUnary(s);
  for (;;) {
    const at = pos(s);
    const op = ["*", "/", "%"].find((o) => s.is(o));
    if (!op) return left;
    s.next();
    left = { kind: "binary", op: op as BinaryOp, left, right: parseUnary(s), at };
  }
}

function parseUnary(s: TokenStream): Expr {
  if (s.is("-")) {
    const at = pos(s);
    s.next();
    return { kind: "unary", op: "-", arg: parseUnary(s), at };
  }
  if (s.accept("+")) return parseUnary(s);
  return parsePrimary(s);
}

// Flink's parser also takes the plural units its docs use (INTERVAL '10' MINUTES).
const INTERVAL_UNITS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000, SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

function parsePrimary(s: TokenStream): Expr {
  const at = pos(s);
  const t = s.peek;
  if (t.kind === "number") {
    s.next();
    const integral = /^\d+$/.test(t.text);
    const value = Number(t.text);
    const type: SqlType = integral
      ? { name: Math.abs(value) <= 2147483647 ? "INT" : "BIGINT" }
      : { name: /e/i.test(t.text) ? "DOUBLE" : "DECIMAL", params: [t.text.replace(/\D/g, "").length, t.text.split(".")[1]?.length ?? 0] };
    return { kind: "literal", value, type, at };
  }
  if (t.kind === "string") {
    s.next();
    return { kind: "literal", value: t.text, type: { name: "STRING" }, at };
  }
  if (s.accept("(")) {
    const e = parseExpr(s);
    s.expect(")");
    return e;
  }
  if (s.is("EXISTS") && s.is("(", 1)) {
    s.next();
    s.next();
    const query = parseSubquery(s);
    s.expect(")");
    return { kind: "exists", query, at };
  }
  if (s.accept("TRUE")) return { kind: "literal", value: true, type: { name: "BOOLEAN" }, at };
  if (s.accept("FALSE")) return { kind: "literal", value: false, type: { name: "BOOLEAN" }, at };
  if (s.accept("NULL")) return { kind: "literal", value: null, type: { name: "NULL" }, at };
  if (s.accept("INTERVAL")) {
    const amountToken = s.peek;
    const amount = Number(s.string("an interval amount such as '5'"));
    if (!Number.isFinite(amount)) throw s.error("interval amount is not a number", amountToken);
    const unitToken = s.next();
    const unit = INTERVAL_UNITS[unitToken.text.toUpperCase()];
    if (unit === undefined) throw s.error("expected SECOND, MINUTE, HOUR or DAY", unitToken);
    return { kind: "interval", millis: amount * unit, at };
  }
  if (s.accept("CASE")) return parseCase(s, at);
  if (s.is("EXTRACT") && s.is("(", 1)) return parseExtract(s, at);
  if (s.accept("CAST")) {
    s.expect("(");
    const arg = parseExpr(s);
    s.expect("AS");
    const type = parseType(s);
    s.expect(")");
    return { kind: "cast", arg, type, at };
  }
  const name = s.ident("an expression");
  if (s.accept("(")) {
    if (s.accept("*")) {
      s.expect(")");
      const filter = parseFilter(s);
      const over = s.is("OVER") ? parseOver(s) : undefined;
      return { kind: "call", name: name.toUpperCase(), args: [], distinct: false, star: true, ...(filter ? { filter } : {}), ...(over ? { over } : {}), at };
    }
    const distinct = s.accept("DISTINCT");
    const args: Expr[] = [];
    if (!s.is(")")) {
      args.push(parseExpr(s));
      while (s.accept(",")) args.push(parseExpr(s));
    }
    s.expect(")");
    const filter = parseFilter(s);
    const over = s.is("OVER") ? parseOver(s) : undefined;
    return { kind: "call", name: name.toUpperCase(), args, distinct, star: false, ...(filter ? { filter } : {}), ...(over ? { over } : {}), at };
  }
  if (s.accept(".")) return { kind: "column", table: name, name: s.ident("a column name"), at };
  return { kind: "column", name, at };
}

/** Flink's `EXTRACT(unit FROM temporal)`: the time-part function of that unit (functions/timeParts.ts). */
const EXTRACT_UNITS: Record<string, string> = {
  YEAR: "YEAR",
  QUARTER: "QUARTER",
  MONTH: "MONTH",
  WEEK: "WEEK",
  DAY: "DAYOFMONTH",
  DOY: "DAYOFYEAR",
  DOW: "DAYOFWEEK",
  HOUR: "HOUR",
  MINUTE: "MINUTE",
  SECOND: "SECOND",
};

function parseExtract(s: TokenStream, at: SqlPosition): Expr {
  s.next();
  s.expect("(");
  const unit = s.next();
  const name = EXTRACT_UNITS[unit.text.toUpperCase()];
  if (name === undefined) throw s.error(`expected a time unit (${Object.keys(EXTRACT_UNITS).join(", ")})`, unit);
  s.expect("FROM");
  const arg = parseExpr(s);
  s.expect(")");
  return { kind: "call", name, args: [arg], distinct: false, star: false, at };
}

/** An aggregate's `FILTER (WHERE cond)` (the planners reject it on anything but an aggregate). */
function parseFilter(s: TokenStream): Expr | undefined {
  if (!(s.is("FILTER") && s.is("(", 1))) return undefined;
  s.next();
  s.next();
  s.expect("WHERE");
  const filter = parseExpr(s);
  s.expect(")");
  return filter;
}

function parseCase(s: TokenStream, at: SqlPosition): Expr {
  const operand = s.is("WHEN") ? undefined : parseExpr(s);
  const whens: { when: Expr; then: Expr }[] = [];
  while (s.accept("WHEN")) {
    const when = parseExpr(s);
    s.expect("THEN");
    // biome-ignore lint/suspicious/noThenProperty: named after SQL's CASE … THEN; a plain record, never awaited
    whens.push({ when, then: parseExpr(s) });
  }
  if (whens.length === 0) throw s.error("expected WHEN");
  const otherwise = s.accept("ELSE") ? parseExpr(s) : undefined;
  s.expect("END");
  return { kind: "case", ...(operand ? { operand } : {}), whens, ...(otherwise ? { else: otherwise } : {}), at };
}

/** A column or CAST type: `INT`, `VARCHAR(10)`, `DECIMAL(10, 2)`, `TIMESTAMP(3)`, `… NOT NULL`. */
export function parseType(s: TokenStream): SqlType {
  if (s.is("ROW")) return parseRowType(s, parseType);
  const token = s.next();
  const name = token.kind === "ident" ? typeByName(token.text) : undefined;
  if (!name) throw s.error("expected a type (INT, BIGINT, DOUBLE, STRING, TIMESTAMP(3), …)", token);
  const type: SqlType = { name };
  if (s.accept("(")) {
    const params = [Number(s.next().text)];
    while (s.accept(",")) params.push(Number(s.next().text));
    s.expect(")");
    type.params = params;
  }
  if (token.text.toUpperCase() === "TIMESTAMP" && s.accept("WITHOUT")) s.expect("TIME", "ZONE");
  if (s.accept("NOT", "NULL")) type.nullable = false;
  else s.accept("NULL");
  return type;
}
