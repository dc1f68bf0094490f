/**
 * The MATCH_RECOGNIZE clause after a FROM item, in Flink's (Calcite's) clause order: PARTITION BY,
 * ORDER BY, MEASURES, ONE ROW PER MATCH, AFTER MATCH SKIP, PATTERN, WITHIN, DEFINE. What Flink does
 * not run (ALL ROWS PER MATCH, group patterns, alternation, PERMUTE, exclusion, SUBSET, reluctant
 * optional) fails here, at its line and column, with Flink's words where it has some.
 */
import type { Expr, FromItem } from "../ast.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import { parseExpr } from "../exprParser.js";
import type { TokenStream } from "../tokenStream.js";
import type { AfterMatch, MatchRecognizeSpec, PatternTerm } from "./spec.js";

const here = (s: TokenStream): SqlPosition => ({ line: s.peek.line, column: s.peek.column });
const unsupported = (s: TokenStream, detail: string): StreamSqlError => new StreamSqlError("unsupported", detail, here(s), s.peek.text);

export function parseMatchRecognize(s: TokenStream, input: FromItem): MatchRecognizeSpec {
  const at = here(s);
  s.expect("MATCH_RECOGNIZE");
  s.expect("(");
  const partitionBy: Expr[] = [];
  if (s.accept("PARTITION", "BY")) {
    do partitionBy.push(parseExpr(s));
    while (s.accept(","));
  }
  const orderBy: MatchRecognizeSpec["orderBy"] = [];
  if (s.accept("ORDER", "BY")) {
    do {
      const expr = parseExpr(s);
      const desc = s.accept("DESC");
      if (!desc) s.accept("ASC");
      orderBy.push({ expr, desc });
    } while (s.accept(","));
  }
  const measures: MatchRecognizeSpec["measures"] = [];
  if (s.accept("MEASURES")) {
    do {
      const itemAt = here(s);
      // FINAL is the only semantics in ONE ROW PER MATCH, so it changes nothing.
      s.accept("FINAL");
      if (s.is("RUNNING")) throw unsupported(s, "RUNNING measures are not supported (ONE ROW PER MATCH computes FINAL ones)");
      const expr = parseExpr(s);
      s.expect("AS");
      measures.push({ expr, name: s.ident("a measure name"), at: itemAt });
    } while (s.accept(","));
  }
  if (s.is("ALL", 0) && s.is("ROWS", 1)) throw unsupported(s, "All rows per match mode is not supported yet.");
  s.accept("ONE", "ROW", "PER", "MATCH");
  const after = s.is("AFTER") ? parseAfterMatch(s) : undefined;
  s.expect("PATTERN");
  const pattern = parsePattern(s);
  let within: number | undefined;
  if (s.is("WITHIN")) {
    const token = s.next();
    const e = parseExpr(s);
    if (e.kind !== "interval") throw s.error("expected WITHIN INTERVAL '…' unit", token);
    within = e.millis;
  }
  if (s.is("SUBSET")) throw unsupported(s, "SUBSET is not supported");
  const define: MatchRecognizeSpec["define"] = [];
  s.expect("DEFINE");
  do {
    const defAt = here(s);
    const variable = s.ident("a pattern variable");
    s.expect("AS");
    define.push({ variable, condition: parseExpr(s), at: defAt });
  } while (s.accept(","));
  s.expect(")");
  return { input, partitionBy, orderBy, measures, after, pattern, within, define, at };
}

function parseAfterMatch(s: TokenStream): AfterMatch {
  const at = here(s);
  s.expect("AFTER", "MATCH", "SKIP");
  if (s.accept("PAST", "LAST", "ROW")) return { kind: "pastLastRow", at };
  s.expect("TO");
  if (s.accept("NEXT", "ROW")) return { kind: "toNextRow", at };
  if (s.accept("FIRST")) return { kind: "toFirst", variable: s.ident("a pattern variable"), at };
  s.accept("LAST");
  return { kind: "toLast", variable: s.ident("a pattern variable"), at };
}

/** `( A B+ C*? D{2,3} … )`: a sequence of variables, each with an optional quantifier. */
function parsePattern(s: TokenStream): PatternTerm[] {
  s.expect("(");
  const terms: PatternTerm[] = [];
  while (!s.accept(")")) {
    if (s.is("(")) throw unsupported(s, "Group patterns are not supported yet");
    if (s.is("|")) throw unsupported(s, "Currently, CEP doesn't support branching patterns.");
    if (s.is("PERMUTE")) throw unsupported(s, "Currently, CEP doesn't support PERMUTE patterns.");
    if (s.is("{")) throw unsupported(s, "Currently, CEP doesn't support '{-' '-}' patterns.");
    if (s.is("^") || s.is("$")) throw unsupported(s, "anchors (^, $) are not supported in streaming");
    const at = here(s);
    const variable = s.ident("a pattern variable");
    let [min, max] = [1, 1];
    let quantified = true;
    if (s.accept("*")) [min, max] = [0, -1];
    else if (s.accept("+")) [min, max] = [1, -1];
    else if (s.accept("?")) [min, max] = [0, 1];
    else if (s.is("{")) [min, max] = parseRange(s);
    else quantified = false;
    const reluctant = quantified && s.accept("?");
    terms.push({ variable, min, max, reluctant, at });
  }
  if (terms.length === 0) throw s.error("expected a pattern variable");
  return terms;
}

/** `{n}`, `{n,}`, `{n,m}`, `{,m}`. */
function parseRange(s: TokenStream): [number, number] {
  const open = s.expect("{");
  const int = (): number => {
    const t = s.next();
    if (t.kind !== "number" || !/^\d+$/.test(t.text)) throw s.error("expected a non-negative integer", t);
    return Number(t.text);
  };
  // `{,m}` has no lower bound, which Flink's CEP rejects (translatePattern.ts) as it does.
  const min = s.is(",") ? -1 : int();
  let max = min;
  if (s.accept(",")) max = s.is("}") ? -1 : int();
  s.expect("}");
  if ((max !== -1 && max < min) || max === 0 || (min === -1 && max === -1)) throw s.error("a quantifier's bounds need 0 <= n <= m and m > 0", open);
  return [min, max];
}
