/**
 * The CEP cases of the Flink CEP oracle, one pattern per quantifier, contiguity and skip strategy.
 * FlinkCepOracle.java holds the same patterns written with Flink's API under the same names: change
 * both together.
 */
import { AfterMatchSkipStrategy, type CepConditionContext, Pattern, Time } from "../../engine/src/index.js";

export interface Ev {
  id: number;
  key: string;
  type: "a" | "b" | "c";
  v: number;
  ts: number;
}

export interface CepCase {
  name: string;
  pattern: () => Pattern<Ev>;
  /** `false`: left out of the default (CI) run, which must stay short; `SLUICE_CEP_ORACLE_ALL=1` and cepRun.js run it. */
  default?: boolean;
}

const type = (t: Ev["type"]) => (e: Ev) => e.type === t;
const begin = (name: string, skip?: AfterMatchSkipStrategy) => Pattern.begin<Ev>(name, skip).where(type("a"));
const sumAtMost = (name: string, max: number) => (e: Ev, ctx: CepConditionContext<Ev>) => e.type === "b" && ctx.getEventsForPattern(name).reduce((s, x) => s + x.v, e.v) <= max;
const aboveFirst = (name: string) => (e: Ev, ctx: CepConditionContext<Ev>) => {
  const first = ctx.getEventsForPattern(name)[0];
  return first !== undefined && e.type === "b" && e.v > first.v;
};

export const CEP_CASES: CepCase[] = [
  { name: "next", pattern: () => begin("a").next("b").where(type("b")) },
  { name: "followedBy", pattern: () => begin("a").followedBy("b").where(type("b")) },
  { name: "followedByAny", pattern: () => begin("a").followedByAny("b").where(type("b")).within(Time.millis(60)) },
  { name: "notNext", pattern: () => begin("a").notNext("c").where(type("c")).followedBy("b").where(type("b")) },
  { name: "notFollowedBy", pattern: () => begin("a").notFollowedBy("c").where(type("c")).followedBy("b").where(type("b")) },
  { name: "notFollowedByAtEnd", pattern: () => begin("a").notFollowedBy("b").where(type("b")).within(Time.millis(50)) },
  { name: "times", pattern: () => begin("a").followedBy("b").where(type("b")).times(2) },
  { name: "timesRange", pattern: () => begin("a").followedBy("b").where(type("b")).times(1, 3).followedBy("c").where(type("c")) },
  { name: "timesFromZero", pattern: () => begin("a").followedBy("b").where(type("b")).times(0, 2).followedBy("c").where(type("c")) },
  { name: "oneOrMore", pattern: () => begin("a").followedBy("b").where(type("b")).oneOrMore().followedBy("c").where(type("c")) },
  { name: "consecutive", pattern: () => begin("a").next("b").where(type("b")).oneOrMore().consecutive().followedBy("c").where(type("c")) },
  {
    name: "allowCombinations",
    pattern: () => begin("a").followedBy("b").where(type("b")).oneOrMore().allowCombinations().followedBy("c").where(type("c")).within(Time.millis(40)),
  },
  {
    name: "timesOrMoreGreedy",
    pattern: () =>
      begin("a")
        .followedBy("b")
        .where(type("b"))
        .timesOrMore(2)
        .greedy()
        .followedBy("c")
        .where((e) => e.v >= 5),
  },
  {
    name: "timesOrMore",
    pattern: () =>
      begin("a")
        .followedBy("b")
        .where(type("b"))
        .timesOrMore(2)
        .followedBy("c")
        .where((e) => e.v >= 5),
  },
  { name: "optional", pattern: () => begin("a").followedBy("b").where(type("b")).optional().followedBy("c").where(type("c")) },
  {
    name: "until",
    pattern: () =>
      begin("a")
        .followedBy("b")
        .where(type("b"))
        .oneOrMore()
        .until((e) => e.v >= 7)
        .followedBy("c")
        .where(type("c")),
  },
  { name: "iterativeSum", pattern: () => begin("a").followedBy("b").where(sumAtMost("b", 12)).oneOrMore().followedBy("c").where(type("c")) },
  { name: "iterativeRef", pattern: () => begin("a").followedBy("b").where(aboveFirst("a")) },
  { name: "withinTimeout", pattern: () => begin("a").followedBy("b").where(type("b")).followedBy("c").where(type("c")).within(Time.millis(30)) },
  {
    name: "or",
    pattern: () =>
      begin("a")
        .or((e) => e.v === 9)
        .next("b")
        .where(type("b")),
  },
  { name: "greedyAtEndWithin", pattern: () => begin("a").next("b").where(type("b")).oneOrMore().greedy().within(Time.millis(30)) },
  { name: "notNextAtEnd", pattern: () => begin("a").notNext("b").where(type("b")) },
  {
    name: "notFollowedByThenOptional",
    pattern: () =>
      begin("a")
        .notFollowedBy("n")
        .where(type("c"))
        .followedBy("b")
        .where(type("b"))
        .optional()
        .followedBy("d")
        .where((e) => e.v >= 8),
  },
  { name: "optionalBegin", pattern: () => begin("a").optional().next("b").where(type("b")) },
  {
    name: "greedyUntil",
    pattern: () =>
      begin("a")
        .followedBy("b")
        .where(type("b"))
        .oneOrMore()
        .greedy()
        .until((e) => e.v >= 7)
        .followedBy("c")
        .where(type("c")),
  },
  {
    name: "timesGreedy",
    pattern: () =>
      begin("a")
        .followedBy("b")
        .where(type("b"))
        .times(1, 3)
        .greedy()
        .followedBy("c")
        .where((e) => e.v >= 5),
  },
  { name: "timesCombinations", pattern: () => begin("a").followedBy("b").where(type("b")).times(2).allowCombinations().followedBy("c").where(type("c")).within(Time.millis(40)) },
  { name: "withinOnMiddleStep", pattern: () => begin("a").followedBy("b").where(type("b")).within(Time.millis(30)).followedBy("c").where(type("c")) },
  { name: "skip-noSkip", pattern: () => begin("a", AfterMatchSkipStrategy.noSkip()).oneOrMore().followedBy("b").where(type("b")) },
  { name: "skip-toNext", pattern: () => begin("a", AfterMatchSkipStrategy.skipToNext()).oneOrMore().followedBy("b").where(type("b")) },
  { name: "skip-pastLastEvent", pattern: () => begin("a", AfterMatchSkipStrategy.skipPastLastEvent()).oneOrMore().followedBy("b").where(type("b")) },
  { name: "skip-toFirst", pattern: () => begin("a", AfterMatchSkipStrategy.skipToFirst("b")).followedBy("b").where(type("b")).oneOrMore().followedBy("c").where(type("c")) },
  { name: "skip-toLast", pattern: () => begin("a", AfterMatchSkipStrategy.skipToLast("b")).followedBy("b").where(type("b")).oneOrMore().followedBy("c").where(type("c")) },
  {
    name: "skip-pastLastWithin",
    pattern: () => begin("a", AfterMatchSkipStrategy.skipPastLastEvent()).followedBy("b").where(type("b")).followedBy("c").where(type("c")).within(Time.millis(30)),
  },
  // Group patterns (Flink's GroupPattern): a whole pattern as one step, with its own contiguity and quantifier.
  {
    name: "groupNext",
    pattern: () =>
      begin("a")
        .next(Pattern.begin<Ev>("b").where(type("b")).followedBy("c").where(type("c")))
        .within(Time.millis(60)),
  },
  {
    name: "groupOneOrMore",
    pattern: () =>
      Pattern.begin<Ev>(begin("a").followedBy("b").where(type("b")))
        .oneOrMore()
        .followedBy("c")
        .where(type("c"))
        .within(Time.millis(60)),
  },
  {
    name: "groupTimesConsecutive",
    default: false,
    pattern: () =>
      Pattern.begin<Ev>("s")
        .where(type("c"))
        .followedBy(Pattern.begin<Ev>("a").where(type("a")).next("b").where(type("b")))
        .times(2)
        .consecutive()
        .within(Time.millis(80)),
  },
  {
    name: "groupOptional",
    default: false,
    pattern: () =>
      begin("a")
        .followedBy(
          Pattern.begin<Ev>("b")
            .where(type("b"))
            .followedBy("c")
            .where((e) => e.v >= 5),
        )
        .optional()
        .followedBy("d")
        .where(type("c"))
        .within(Time.millis(60)),
  },
  {
    name: "groupFollowedByAny",
    default: false,
    pattern: () =>
      begin("a")
        .followedByAny(Pattern.begin<Ev>("b").where(type("b")).next("c").where(type("c")))
        .within(Time.millis(50)),
  },
  {
    name: "groupTimesRangeCombinations",
    pattern: () =>
      begin("a")
        .followedBy(Pattern.begin<Ev>("b").where(type("b")).followedBy("c").where(type("c")))
        .times(1, 2)
        .allowCombinations()
        .within(Time.millis(50)),
  },
  {
    name: "groupSkipPastLast",
    default: false,
    pattern: () =>
      Pattern.begin<Ev>(Pattern.begin<Ev>("a").where(type("a")).followedBy("b").where(type("b")), AfterMatchSkipStrategy.skipPastLastEvent())
        .times(1, 2)
        .followedBy("c")
        .where(type("c")),
  },
  {
    name: "groupSkipToLast",
    default: false,
    pattern: () =>
      Pattern.begin<Ev>(Pattern.begin<Ev>("a").where(type("a")).followedBy("b").where(type("b")).oneOrMore(), AfterMatchSkipStrategy.skipToLast("c"))
        .followedBy("c")
        .where(type("c"))
        .within(Time.millis(60)),
  },
];
