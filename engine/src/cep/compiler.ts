import { ApiUsageError } from "../errors/errors.js";
import type { Condition, Pattern } from "./Pattern.js";

/**
 * Compiles a Pattern into the states of Flink CEP's NFA, with the same state graph Flink's NFACompiler
 * builds (the matcher's results, and their order, depend on the order of transitions). The graph is
 * built from the last step backwards; each step becomes one or more states.
 */

export type StateType = "start" | "normal" | "final" | "stop" | "pending";
export type Action = "take" | "ignore" | "proceed";

export interface Transition<T> {
  readonly action: Action;
  readonly source: NfaState<T>;
  readonly target: NfaState<T>;
  condition: Condition<T>;
}

export interface NfaState<T> {
  /** Unique; `name:n` for the second and later states of one pattern step. */
  readonly name: string;
  type: StateType;
  readonly transitions: Transition<T>[];
}

export interface CompiledNfa<T> {
  readonly states: Map<string, NfaState<T>>;
  readonly start: NfaState<T>;
  /** Milliseconds a match may span (`within`); 0 = unbounded. */
  readonly windowTime: number;
}

export const ENDING_STATE = "$endState$";

/** The pattern name a state's events are recorded under. */
export function originalName(stateName: string): string {
  const i = stateName.indexOf(":");
  return i < 0 ? stateName : stateName.slice(0, i);
}

const alwaysTrue = () => true;
const not =
  <T>(c: Condition<T>): Condition<T> =>
  (e, x) =>
    !c(e, x);
const and =
  <T>(a: Condition<T>, b: Condition<T>): Condition<T> =>
  (e, x) =>
    a(e, x) && b(e, x);

export function compilePattern<T>(last: Pattern<T>): CompiledNfa<T> {
  return new Compiler(last).compile();
}

class Compiler<T> {
  private readonly states = new Map<string, NfaState<T>>();
  private readonly used = new Set<string>();
  private readonly originals = new Map<string, NfaState<T>>();
  private readonly stopStates = new Map<string, NfaState<T>>();
  private current: Pattern<T>;
  private following: Pattern<T> | undefined;
  private windowTime = 0;
  /** The group step whose inner steps are being converted (Flink's currentGroupPattern). */
  private currentGroup: Pattern<T> | undefined;
  /** Per group step: whether the group being converted is the head of its loop (Flink's firstOfLoopMap). */
  private readonly firstOfLoop = new Map<Pattern<T>, boolean>();

  constructor(private readonly last: Pattern<T>) {
    this.current = last;
  }

  compile(): CompiledNfa<T> {
    const steps = this.last.flatSteps();
    const names = new Set<string>();
    for (const s of steps) {
      if (names.has(s.name)) throw new ApiUsageError(`duplicate CEP pattern name '${s.name}': names must be unique`);
      names.add(s.name);
    }
    if (steps[0]!.quantifier.consuming === "not-next" || steps[0]!.quantifier.consuming === "not-follow") throw new ApiUsageError("a pattern cannot begin with a NOT step");
    const skip = this.last.skipStrategy;
    // As Flink's checkPatternSkipStrategy: only the names of the outer steps, not those inside a group.
    if (skip.patternName !== undefined && !this.last.steps().some((s) => s.name === skip.patternName))
      throw new ApiUsageError(`the skip strategy names '${skip.patternName}', which is not a pattern name (of the outer pattern: steps inside a group do not count, as in Flink)`);
    // A group step's own within() counts as well as its inner steps'.
    for (const s of [...steps, ...this.last.steps().filter((x) => x.group !== undefined)])
      if (s.windowTime !== undefined) this.windowTime = this.windowTime === 0 ? s.windowTime : Math.min(this.windowTime, s.windowTime);
    if (this.last.quantifier.consuming === "not-follow" && this.windowTime === 0) throw new ApiUsageError("notFollowedBy as the last step needs within() (as in Flink CEP)");

    const sink = this.createMiddleStates(this.createState(ENDING_STATE, "final", true));
    const start = this.convert(sink);
    start.type = "start";
    return { states: this.states, start, windowTime: this.windowTime };
  }

  /** The states of every step but the first, from the last step backwards; returns the state the first step leads to. */
  private createMiddleStates(last: NfaState<T>): NfaState<T> {
    let sink = last;
    while (this.current.previous !== undefined) {
      const q = this.current.quantifier;
      if (q.consuming === "not-follow") {
        // In the middle a NOT step becomes stop transitions on its neighbours; at the end it is a pending state.
        if (sink.type === "final") {
          const pending = this.createState(this.current.name, "pending", true);
          const cond = this.takeCondition(this.current);
          this.proceed(pending, this.stopState(cond, this.current.name), cond);
          this.add(pending, "ignore", pending, not(cond));
          sink = pending;
        }
      } else if (q.consuming === "not-next") {
        const notNext = this.createState(this.current.name, "normal", true);
        const cond = this.takeCondition(this.current);
        const stop = this.stopState(cond, this.current.name);
        if (sink.type === "final") this.add(notNext, "ignore", sink, not(cond));
        else this.proceed(notNext, sink, not(cond));
        this.proceed(notNext, stop, cond);
        sink = notNext;
      } else sink = this.convert(sink);
      this.following = this.current;
      this.current = this.current.previous;
    }
    return sink;
  }

  private createState(name: string, type: StateType, original: boolean): NfaState<T> {
    let candidate = name;
    for (let n = 0; this.used.has(candidate); n++) candidate = `${name}:${n}`;
    this.used.add(candidate);
    const state: NfaState<T> = { name: candidate, type, transitions: [] };
    if (original) this.originals.set(candidate, state);
    this.states.set(candidate, state);
    return state;
  }

  private add(from: NfaState<T>, action: Action, to: NfaState<T>, condition: Condition<T>): void {
    from.transitions.push({ action, source: from, target: to, condition });
  }

  private proceed(from: NfaState<T>, to: NfaState<T>, condition: Condition<T>): void {
    this.add(from, "proceed", to, condition);
  }

  private stopState(condition: Condition<T>, name: string): NfaState<T> {
    let stop = this.stopStates.get(name);
    if (stop === undefined) {
      stop = this.createState(name, "stop", true);
      this.add(stop, "take", stop, condition);
      this.stopStates.set(name, stop);
    }
    return stop;
  }

  /** The step's condition; inside a group with `until`, also "not until" (Flink's getTakeCondition). */
  private takeCondition(p: Pattern<T>): Condition<T> {
    const until = this.currentGroup?.untilCondition;
    return this.withUntil(p.condition ?? alwaysTrue, until, true) as Condition<T>;
  }

  /** "true", or "not until" of the group being converted (Flink's getTrueFunction). */
  private trueCondition(): Condition<T> {
    return this.withUntil(alwaysTrue, this.currentGroup?.untilCondition, true) as Condition<T>;
  }

  /** The IGNORE condition between steps; a group's first step takes the group's strategy (Flink's getIgnoreCondition). */
  private ignoreCondition(p: Pattern<T>): Condition<T> | undefined {
    const group = this.currentGroup;
    let strategy = p.quantifier.consuming;
    if (group !== undefined && this.headOfGroup(p)) strategy = this.groupFirstOfLoop() ? group.quantifier.consuming : group.quantifier.inner;
    return this.withUntil(this.ignoreFor(p, strategy), group?.untilCondition, false);
  }

  /** The IGNORE condition inside a loop (Flink's getInnerIgnoreCondition). */
  private innerIgnoreCondition(p: Pattern<T>): Condition<T> | undefined {
    const group = this.currentGroup;
    const strategy = group !== undefined && this.headOfGroup(p) ? group.quantifier.inner : p.quantifier.inner;
    return this.withUntil(this.ignoreFor(p, strategy), group?.untilCondition, false);
  }

  private ignoreFor(p: Pattern<T>, strategy: Pattern<T>["quantifier"]["consuming"]): Condition<T> | undefined {
    if (strategy === "skip-till-next") return not(p.condition ?? alwaysTrue);
    if (strategy === "skip-till-any") return alwaysTrue;
    return undefined;
  }

  private headOfGroup(p: Pattern<T>): boolean {
    return this.currentGroup !== undefined && p.previous === undefined;
  }

  private groupFirstOfLoop(): boolean {
    return this.currentGroup === undefined ? true : (this.firstOfLoop.get(this.currentGroup) ?? true);
  }

  private setFirstOfLoop(first: boolean): void {
    if (this.current.group !== undefined) this.firstOfLoop.set(this.current, first);
  }

  /** A group's first step is optional when the group is, and only at the head of the group's loop. */
  private isOptional(p: Pattern<T>): boolean {
    if (this.currentGroup !== undefined && this.headOfGroup(p)) return this.groupFirstOfLoop() && this.currentGroup.quantifier.optional;
    return p.quantifier.optional;
  }

  private withUntil(c: Condition<T> | undefined, until: Condition<T> | undefined, isTake: boolean): Condition<T> | undefined {
    if (until !== undefined && c !== undefined) return and(not(until), c);
    if (until !== undefined && isTake) return not(until);
    return c;
  }

  /** NOT conditions of notFollowedBy steps reachable backwards over optional steps. */
  private currentNotConditions(): [Condition<T>, string][] {
    const out: [Condition<T>, string][] = [];
    let p = this.current;
    while (p.previous !== undefined && (p.previous.quantifier.optional || p.previous.quantifier.consuming === "not-follow")) {
      p = p.previous;
      if (p.quantifier.consuming === "not-follow") out.push([this.takeCondition(p), p.name]);
    }
    return out;
  }

  private addStopStates(state: NfaState<T>): void {
    for (const [cond, name] of this.currentNotConditions()) this.proceed(state, this.stopState(cond, name), cond);
  }

  private addStopStateToLooping(state: NfaState<T>): void {
    const f = this.following;
    if (f !== undefined && f.quantifier.consuming === "not-follow") {
      const cond = this.takeCondition(f);
      this.proceed(state, this.stopState(cond, f.name), cond);
    }
  }

  private convert(sink: NfaState<T>): NfaState<T> {
    const q = this.current.quantifier;
    let result: NfaState<T>;
    if (q.kind === "looping") {
      this.setFirstOfLoop(false);
      const looping = this.createLooping(this.copyWithoutTransitiveNots(sink));
      this.setFirstOfLoop(true);
      result = this.createTimes(looping, sink);
    } else if (q.kind === "times") result = this.createTimes(sink, sink);
    else result = this.createSingleton(sink, sink, this.takeCondition(this.current), this.ignoreCondition(this.current), this.isOptional(this.current));
    this.addStopStates(result);
    return result;
  }

  private createTimes(sink: NfaState<T>, proceedTo: NfaState<T>): NfaState<T> {
    const p = this.current;
    const { from, to } = p.timesRange;
    this.setFirstOfLoop(false);
    const until = p.untilCondition;
    const innerIgnore = this.withUntil(this.innerIgnoreCondition(p), until, false);
    const take = this.withUntil(this.takeCondition(p), until, true)!;
    if (p.quantifier.greedy && from !== to) {
      if (until !== undefined) this.originals.set(sink.name, this.copy(sink));
      this.makeGreedy(sink, take);
    }
    let last = sink;
    for (let i = from; i < to; i++) {
      last = this.createSingleton(last, proceedTo, take, innerIgnore, true);
      this.addStopStateToLooping(last);
    }
    for (let i = 0; i < from - 1; i++) {
      last = this.createSingleton(last, undefined, take, innerIgnore, false);
      this.addStopStateToLooping(last);
    }
    this.setFirstOfLoop(true);
    return this.createSingleton(last, proceedTo, take, this.ignoreCondition(p), p.quantifier.optional);
  }

  private createSingleton(sinkState: NfaState<T>, proceedTo: NfaState<T> | undefined, take: Condition<T>, ignore: Condition<T> | undefined, optional: boolean): NfaState<T> {
    const p = this.current;
    if (p.group !== undefined) return this.createGroup(p, sinkState, proceedTo, optional);
    const state = this.createState(p.name, "normal", true);
    // Once an event is taken, NOT steps before an optional step no longer apply.
    const sink = this.copyWithoutTransitiveNots(sinkState);
    this.add(state, "take", sink, take);
    const proceed = this.trueCondition();
    // A group's first step proceeds past the group: createGroup adds that edge.
    if (optional && proceedTo !== undefined && !this.headOfGroup(p)) {
      if (p.quantifier.greedy) {
        const until = p.untilCondition;
        if (until !== undefined) this.proceed(state, this.originals.get(proceedTo.name) ?? proceedTo, and(proceed, until));
        this.proceed(state, proceedTo, until !== undefined ? and(proceed, not(until)) : proceed);
      } else this.proceed(state, proceedTo, proceed);
    }
    if (ignore !== undefined) {
      let ignoreState = state;
      if (optional) {
        ignoreState = this.createState(p.name, "normal", false);
        this.add(ignoreState, "take", sink, take);
        this.add(ignoreState, "ignore", ignoreState, ignore);
        this.addStopStates(ignoreState);
      }
      this.add(state, "ignore", ignoreState, ignore);
    }
    return state;
  }

  /** A group step's states: its own steps converted in its place (Flink's createGroupPatternState). */
  private createGroup(group: Pattern<T>, sink: NfaState<T>, proceedTo: NfaState<T> | undefined, optional: boolean): NfaState<T> {
    const proceed = this.trueCondition();
    const saved = [this.current, this.following, this.currentGroup] as const;
    this.currentGroup = group;
    this.current = group.group as Pattern<T>;
    const first = this.convert(this.createMiddleStates(sink));
    if (optional && proceedTo !== undefined) this.proceed(first, proceedTo, proceed);
    [this.current, this.following, this.currentGroup] = saved;
    return first;
  }

  /** A looping group: its steps lead back to a state that proceeds to their first (Flink's createLoopingGroupPatternState). */
  private createLoopingGroup(group: Pattern<T>, sink: NfaState<T>): NfaState<T> {
    const proceed = this.trueCondition();
    const saved = [this.current, this.following, this.currentGroup] as const;
    const dummy = this.createState(group.name, "normal", false);
    this.currentGroup = group;
    this.current = group.group as Pattern<T>;
    const first = this.convert(this.createMiddleStates(dummy));
    this.proceed(first, sink, proceed);
    this.proceed(dummy, first, proceed);
    [this.current, this.following, this.currentGroup] = saved;
    return first;
  }

  private createLooping(sink: NfaState<T>): NfaState<T> {
    const p = this.current;
    if (p.group !== undefined) return this.createLoopingGroup(p, sink);
    const until = p.untilCondition;
    const ignore = this.withUntil(this.innerIgnoreCondition(p), until, false);
    const take = this.withUntil(this.takeCondition(p), until, true)!;
    const looping = this.createState(p.name, "normal", true);
    const proceed = this.trueCondition();
    if (p.quantifier.greedy) {
      if (until !== undefined) {
        const copy = this.copy(sink);
        this.proceed(looping, copy, and(proceed, until));
        this.originals.set(sink.name, copy);
      }
      this.proceed(looping, sink, until !== undefined ? and(proceed, not(until)) : proceed);
      this.makeGreedy(sink, this.takeCondition(p));
    } else this.proceed(looping, sink, proceed);
    this.add(looping, "take", looping, take);
    this.addStopStateToLooping(looping);
    if (ignore !== undefined) {
      const ignoreState = this.createState(p.name, "normal", false);
      this.add(ignoreState, "take", looping, take);
      this.add(ignoreState, "ignore", ignoreState, ignore);
      this.add(looping, "ignore", ignoreState, ignore);
      this.addStopStateToLooping(ignoreState);
    }
    return looping;
  }

  /** After a greedy step, the next step only sees events the greedy step does not take. */
  private makeGreedy(state: NfaState<T>, take: Condition<T>): void {
    for (const t of state.transitions) t.condition = and(t.condition, not(take));
  }

  private copy(state: NfaState<T>): NfaState<T> {
    const copy = this.createState(originalName(state.name), state.type, false);
    for (const t of state.transitions) this.add(copy, t.action, t.target === t.source ? copy : t.target, t.condition);
    return copy;
  }

  /** A copy of `sink` without the stop transitions of NOT steps that an optional current step bypasses. */
  private copyWithoutTransitiveNots(sink: NfaState<T>): NfaState<T> {
    const nots = this.currentNotConditions();
    if (nots.length === 0 || !this.current.quantifier.optional) return sink;
    const copy = this.createState(sink.name, sink.type, false);
    for (const t of sink.transitions) {
      if (t.action === "proceed") {
        let target = t.target;
        let remove = false;
        if (target.type === "stop") remove = nots.some(([, name]) => originalName(target.name) === name);
        else target = this.copyWithoutTransitiveNots(target);
        if (!remove) this.add(copy, t.action, target, t.condition);
      } else this.add(copy, t.action, t.target === t.source ? copy : t.target, t.condition);
    }
    return copy;
  }
}
