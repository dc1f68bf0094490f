/**
 * MATCH_RECOGNIZE's PATTERN, AFTER MATCH and WITHIN as a CEP Pattern, the way Flink's planner builds
 * its NFA (StreamExecMatch.PatternVisitor): variables in strict contiguity (`next`), quantifiers as
 * `oneOrMore`/`times`/`timesOrMore` with `consecutive`, greedy unless reluctant (and never for `?`
 * or `{n}`), and the same checks: unique variables, no empty match, no greedy last variable.
 */
import { ApiUsageError } from "../../errors/errors.js";
import { AfterMatchSkipStrategy } from "../../cep/AfterMatchSkipStrategy.js";
import { Pattern, type Condition } from "../../cep/Pattern.js";
import type { Row } from "../connectors.js";
import { StreamSqlError } from "../errors.js";
import type { AfterMatch, MatchRecognizeSpec, PatternTerm } from "./spec.js";

export function translatePattern(spec: MatchRecognizeSpec, conditionOf: (variable: string) => Condition<Row>): Pattern<Row> {
  const seen = new Set<string>();
  let pattern: Pattern<Row> | undefined;
  for (const term of spec.pattern) {
    if (seen.has(term.variable)) throw new StreamSqlError("validation", "Pattern variables must be unique. That might change in the future.", term.at, term.variable);
    seen.add(term.variable);
    pattern = pattern === undefined ? Pattern.begin<Row>(term.variable, skipStrategy(spec.after, spec)) : pattern.next(term.variable);
    pattern.where(conditionOf(term.variable));
    try {
      applyQuantifier(pattern, term);
    } catch (e) {
      // The Pattern API's own checks (Flink's MalformedPatternException), at the variable they concern.
      if (e instanceof ApiUsageError) throw new StreamSqlError("unsupported", e.message, term.at, term.variable);
      throw e;
    }
  }
  if (spec.pattern.every((t) => t.min === 0))
    throw new StreamSqlError("unsupported", "Patterns that can produce empty matches are not supported. There must be at least one non-optional state.", spec.pattern[0]?.at ?? spec.at, undefined);
  const last = spec.pattern[spec.pattern.length - 1] as PatternTerm;
  if (isGreedy(last))
    throw new StreamSqlError(
      "unsupported",
      "Greedy quantifiers are not allowed as the last element of a Pattern yet. Finish your pattern with either a simple variable or reluctant quantifier.",
      last.at,
      last.variable,
    );
  const result = pattern as Pattern<Row>;
  return spec.within !== undefined ? result.within(spec.within) : result;
}

/** Whether Flink makes the variable's loop greedy: not for `?` (optional) nor `{n}` (a fixed count). */
function isGreedy(t: PatternTerm): boolean {
  return !t.reluctant && !(t.min === 0 && t.max === 1) && t.min !== t.max;
}

function applyQuantifier(p: Pattern<Row>, t: PatternTerm): void {
  const { min, max } = t;
  if (min < 0) throw new StreamSqlError("unsupported", "The from should be a positive number greater than 0.", t.at, t.variable);
  if (min === 0 && max === 1) {
    if (t.reluctant) throw new StreamSqlError("unsupported", "Reluctant optional variables are not supported yet.", t.at, t.variable);
    p.optional();
  } else if (min === 0 && max === -1) p.oneOrMore().optional().consecutive();
  else if (min === 1 && max === -1) p.oneOrMore().consecutive();
  else if (max !== -1) {
    if (!(min === 1 && max === 1)) p.times(min, max).consecutive();
  } else p.timesOrMore(min).consecutive();
  if (isGreedy(t)) p.greedy();
}

function skipStrategy(after: AfterMatch | undefined, spec: MatchRecognizeSpec): AfterMatchSkipStrategy {
  if (after === undefined || after.kind === "toNextRow") return AfterMatchSkipStrategy.skipToNext();
  if (after.kind === "pastLastRow") return AfterMatchSkipStrategy.skipPastLastEvent();
  const target = after.variable;
  const variable = spec.pattern.find((t) => t.variable.toLowerCase() === target.toLowerCase())?.variable;
  if (variable === undefined) throw new StreamSqlError("validation", `Unknown pattern variable '${target}' in AFTER MATCH SKIP`, after.at, target);
  const strategy = after.kind === "toFirst" ? AfterMatchSkipStrategy.skipToFirst(variable) : AfterMatchSkipStrategy.skipToLast(variable);
  return strategy.throwExceptionOnMiss();
}
