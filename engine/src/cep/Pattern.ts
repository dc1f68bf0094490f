import { ApiUsageError } from "../errors/errors.js";
import type { Duration } from "../time/Time.js";
import { AfterMatchSkipStrategy } from "./AfterMatchSkipStrategy.js";

/** What an iterative condition sees besides the event (Flink's IterativeCondition.Context). */
export interface CepConditionContext<T> {
  /** Events of the partial match that led here, taken by the pattern `name` (earliest first). */
  getEventsForPattern(name: string): T[];
  /** The event's timestamp (event time, or the processing time it arrived at). */
  timestamp(): number;
  currentProcessingTime(): number;
}

/** A `where`/`or`/`until` condition: simple (`event => bool`) or iterative (`(event, ctx) => bool`). */
export type Condition<T> = (event: T, ctx: CepConditionContext<T>) => boolean;

/** How events between two matched ones are treated (Flink's Quantifier.ConsumingStrategy). */
export type ConsumingStrategy = "strict" | "skip-till-next" | "skip-till-any" | "not-next" | "not-follow";

/** @internal Flink's Quantifier: a consuming strategy between patterns, one inside loops, and properties. */
export interface Quantifier {
  kind: "single" | "looping" | "times";
  consuming: ConsumingStrategy;
  inner: ConsumingStrategy;
  optional: boolean;
  greedy: boolean;
}

/**
 * A pattern of events over a keyed stream (Flink CEP's Pattern): a chain of named steps, each with a
 * condition and a quantifier. Build it with `Pattern.begin(name)` and the contiguity calls, then run it
 * with `CEP.pattern(keyedStream, pattern)`.
 *
 * @example
 * Pattern.begin<Ride>("start").where((r) => r.isStart)
 *   .followedBy("end").where((r) => !r.isStart)
 *   .within(Time.hours(2))
 */
export class Pattern<T> {
  /** @internal */ condition: Condition<T> | undefined;
  /** @internal */ untilCondition: Condition<T> | undefined;
  /** @internal */ quantifier: Quantifier;
  /** @internal */ timesRange = { from: 1, to: 1 };
  /** @internal */ windowTime: Duration | undefined;
  /** @internal A group step's pattern (its last step; Flink's GroupPattern.getRawPattern()). */
  group: Pattern<T> | undefined;

  /** @internal */
  constructor(
    readonly name: string,
    /** @internal */ readonly previous: Pattern<T> | undefined,
    consuming: ConsumingStrategy,
    /** @internal */ readonly skipStrategy: AfterMatchSkipStrategy,
  ) {
    if (name.includes(":")) throw new ApiUsageError(`CEP pattern names must not contain ':' (got '${name}')`);
    this.quantifier = { kind: "single", consuming, inner: "skip-till-next", optional: false, greedy: false };
  }

  /**
   * The first step of a pattern; `skipStrategy` says where matching resumes after a match (default
   * `noSkip`). Given a pattern instead of a name, the step is that whole pattern (a group, Flink's
   * GroupPattern), which takes quantifiers like a single step: `Pattern.begin(Pattern.begin("a")…next("b")…).times(2)`.
   */
  static begin<T>(name: string | Pattern<T>, skipStrategy: AfterMatchSkipStrategy = AfterMatchSkipStrategy.noSkip()): Pattern<T> {
    if (typeof name !== "string") return new GroupPattern<T>(undefined, name, "strict", skipStrategy);
    return new Pattern<T>(name, undefined, "strict", skipStrategy);
  }

  /** The condition an event must meet; several `where`s are ANDed. */
  where(condition: Condition<T>): this {
    if (this.group !== undefined) throw new ApiUsageError("GroupPattern does not support where clause.");
    const previous = this.condition;
    this.condition = previous === undefined ? condition : (e, c) => previous(e, c) && condition(e, c);
    return this;
  }

  /** An alternative condition, ORed with the current one. */
  or(condition: Condition<T>): this {
    if (this.group !== undefined) throw new ApiUsageError("GroupPattern does not support or clause.");
    const previous = this.condition;
    this.condition = previous === undefined ? condition : (e, c) => previous(e, c) || condition(e, c);
    return this;
  }

  /** Stops a looping step (`oneOrMore`, `timesOrMore`) at the first event meeting `condition`. */
  until(condition: Condition<T>): this {
    this.checkNotNegated("until");
    if (this.untilCondition !== undefined) throw new ApiUsageError("until() was already applied to this pattern");
    if (this.quantifier.kind !== "looping") throw new ApiUsageError("until() applies only to looping patterns (oneOrMore, timesOrMore)");
    this.untilCondition = condition;
    return this;
  }

  /** Strict contiguity: the next matching event must directly follow. */
  next(name: string | Pattern<T>): Pattern<T> {
    return this.append(name, "strict");
  }

  /** Relaxed contiguity: non-matching events in between are skipped. */
  followedBy(name: string | Pattern<T>): Pattern<T> {
    return this.append(name, "skip-till-next");
  }

  /** Non-deterministic relaxed contiguity: every later matching event starts its own continuation. */
  followedByAny(name: string | Pattern<T>): Pattern<T> {
    return this.append(name, "skip-till-any");
  }

  /** The event right after the previous step must not match (the partial match is dropped if it does). */
  notNext(name: string): Pattern<T> {
    this.checkNotOptionalBeforeNot();
    return this.append(name, "not-next");
  }

  /** No matching event may come between the previous and the next step (at the end: within `within`). */
  notFollowedBy(name: string): Pattern<T> {
    this.checkNotOptionalBeforeNot();
    return this.append(name, "not-follow");
  }

  /** Exactly `n` events, or between `from` and `to` (inclusive; `from` 0 makes the step optional). */
  times(from: number, to?: number): this {
    this.checkQuantifiable("times");
    const max = to ?? from;
    if (!Number.isInteger(from) || !Number.isInteger(max) || from < 0 || max < 1 || max < from) throw new ApiUsageError(`times(${from}, ${to}) needs integers with 0 <= from <= to and to >= 1`);
    if (from === max && from === 0) throw new ApiUsageError("times(0) is not allowed");
    this.quantifier = { ...this.quantifier, kind: "times" };
    if (from === 0) this.quantifier.optional = true;
    this.timesRange = { from: Math.max(from, 1), to: max };
    return this;
  }

  /** One or more events. */
  oneOrMore(): this {
    return this.timesOrMore(1);
  }

  /** `n` or more events. */
  timesOrMore(n: number): this {
    this.checkQuantifiable("timesOrMore");
    if (!Number.isInteger(n) || n < 1) throw new ApiUsageError(`timesOrMore(${n}) needs an integer >= 1`);
    this.quantifier = { ...this.quantifier, kind: "looping" };
    this.timesRange = { from: n, to: n };
    return this;
  }

  /** The step may match no event at all. */
  optional(): this {
    this.checkNotNegated("optional");
    if (this.quantifier.optional) throw new ApiUsageError("optional() was already applied to this pattern");
    if (this.previous?.quantifier.greedy) throw new ApiUsageError("Optional pattern cannot be preceded by greedy pattern");
    this.quantifier.optional = true;
    return this;
  }

  /** A looping step takes as many events as it can (Flink's greedy()). */
  greedy(): this {
    this.checkNotNegated("greedy");
    if (this.group !== undefined) throw new ApiUsageError("Option not applicable to group pattern");
    if (this.quantifier.kind === "single") throw new ApiUsageError("greedy() applies only to looping or times patterns");
    if (this.quantifier.consuming === "skip-till-any") throw new ApiUsageError("greedy() does not apply to a followedByAny pattern");
    this.quantifier.greedy = true;
    return this;
  }

  /** Strict contiguity between the events of a looping step (default: relaxed). */
  consecutive(): this {
    if (this.quantifier.kind === "single") throw new ApiUsageError("consecutive() applies only to looping or times patterns");
    if (this.quantifier.inner !== "skip-till-next") throw new ApiUsageError("consecutive() and allowCombinations() exclude each other");
    this.quantifier.inner = "strict";
    return this;
  }

  /** Non-deterministic relaxed contiguity between the events of a looping step. */
  allowCombinations(): this {
    if (this.quantifier.kind === "single") throw new ApiUsageError("allowCombinations() applies only to looping or times patterns");
    if (this.quantifier.inner !== "skip-till-next") throw new ApiUsageError("consecutive() and allowCombinations() exclude each other");
    this.quantifier.inner = "skip-till-any";
    return this;
  }

  /** A whole match must lie within `duration` of its first event; partial matches older than that time out. */
  within(duration: Duration): this {
    if (!(duration > 0)) throw new ApiUsageError(`within(${duration}) needs a positive duration`);
    this.windowTime = duration;
    return this;
  }

  /** The skip strategy the pattern was begun with. */
  getAfterMatchSkipStrategy(): AfterMatchSkipStrategy {
    return this.skipStrategy;
  }

  /** @internal All steps, first to last (a group is one step). */
  steps(): Pattern<T>[] {
    const out: Pattern<T>[] = [];
    for (let p: Pattern<T> | undefined = this; p !== undefined; p = p.previous) out.unshift(p);
    return out;
  }

  /** @internal All steps, the steps inside groups in place of their group. */
  flatSteps(): Pattern<T>[] {
    return this.steps().flatMap((s) => (s.group !== undefined ? s.group.flatSteps() : [s]));
  }

  private append(name: string | Pattern<T>, consuming: ConsumingStrategy): Pattern<T> {
    if (typeof name !== "string") return new GroupPattern<T>(this, name, consuming, this.skipStrategy);
    return new Pattern<T>(name, this, consuming, this.skipStrategy);
  }

  private checkQuantifiable(call: string): void {
    this.checkNotNegated(call);
    if (this.quantifier.kind !== "single") throw new ApiUsageError(`a quantifier was already applied to pattern '${this.name}'; ${call}() cannot be added`);
  }

  private checkNotNegated(call: string): void {
    if (this.quantifier.consuming === "not-next" || this.quantifier.consuming === "not-follow") throw new ApiUsageError(`${call}() cannot be applied to the NOT pattern '${this.name}'`);
  }

  private checkNotOptionalBeforeNot(): void {
    if (this.quantifier.optional)
      throw new ApiUsageError("a pattern with an optional step right before a NOT step is not supported (as in Flink CEP); write two patterns, one with and one without the optional step");
  }
}

/** A pattern used as one step of another (Flink's GroupPattern): named "GroupPattern", as Flink names it. */
class GroupPattern<T> extends Pattern<T> {
  constructor(previous: Pattern<T> | undefined, group: Pattern<T>, consuming: ConsumingStrategy, skipStrategy: AfterMatchSkipStrategy) {
    super("GroupPattern", previous, consuming, skipStrategy);
    this.group = group;
  }
}
