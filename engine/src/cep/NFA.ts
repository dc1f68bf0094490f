import { type AfterMatchSkipStrategy, compareEventIds, type EventId } from "./AfterMatchSkipStrategy.js";
import type { CompiledNfa, NfaState, Transition } from "./compiler.js";
import { JavaPriorityQueue } from "./JavaPriorityQueue.js";
import type { CepConditionContext } from "./Pattern.js";
import { addStage, type BufferState, type Dewey, emptyBuffer, increase, SharedBuffer } from "./SharedBuffer.js";

/** One run of the automaton: where it is, the last event it took and its branch (Flink's ComputationState). */
export interface ComputationState {
  state: string;
  /** Shared-buffer node of the last taken event; null for the start state. */
  prev: string | null;
  version: Dewey;
  startTs: number;
  prevTs: number;
  /** The first event of the partial match; null for the start state. */
  start: EventId | null;
}

/** Everything the matcher keeps for one key; plain data, stored in keyed state. */
export interface NfaKeyState<T> {
  /** Java PriorityQueue arrays (their order is the iteration order). */
  partial: ComputationState[];
  /** Matches held back until no earlier partial match can still complete (skip strategies). */
  completed: ComputationState[];
  buffer: BufferState<T>;
}

export type Match<T> = Map<string, T[]>;

const BY_START = (a: ComputationState, b: ComputationState): number => {
  if (a.start === null || b.start === null) return a.start === b.start ? 0 : a.start === null ? 1 : -1;
  return compareEventIds(a.start, b.start);
};

function sameState(a: ComputationState, b: ComputationState): boolean {
  return (
    a.state === b.state &&
    a.prev === b.prev &&
    a.startTs === b.startTs &&
    a.prevTs === b.prevTs &&
    a.version.length === b.version.length &&
    a.version.every((d, i) => d === b.version[i]) &&
    (a.start === b.start || (a.start !== null && b.start !== null && compareEventIds(a.start, b.start) === 0))
  );
}

/**
 * Flink CEP's NFA over one key's state: `process` feeds one event (in timestamp order), `advanceTime`
 * times out partial matches older than `within`. Matches come out in Flink's order.
 */
export class NFA<T> {
  constructor(
    private readonly nfa: CompiledNfa<T>,
    private readonly skip: AfterMatchSkipStrategy,
    private readonly handleTimeout: boolean,
  ) {}

  get windowTime(): number {
    return this.nfa.windowTime;
  }

  initialState(): NfaKeyState<T> {
    return { partial: [this.startState([1])], completed: [], buffer: emptyBuffer() };
  }

  /** True when the key holds nothing but its start state: its state can be cleared. */
  isIdle(s: NfaKeyState<T>): boolean {
    return s.completed.length === 0 && s.buffer.events.size === 0 && s.partial.length === 1 && s.partial[0]!.start === null;
  }

  /**
   * The event time at which `advanceTime` would next change this key's state by itself (its earliest
   * partial match times out, or a notFollowedBy at the end completes), or undefined if only a new
   * record can change it.
   */
  nextTimeout(s: NfaKeyState<T>): number | undefined {
    const window = this.nfa.windowTime;
    if (!(window > 0)) return undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const cs of s.partial) if (this.stateOf(cs).type !== "start" && cs.startTs < earliest) earliest = cs.startTs;
    return Number.isFinite(earliest) ? earliest + window : undefined;
  }

  private startState(version: Dewey): ComputationState {
    return { state: this.nfa.start.name, prev: null, version, startTs: -1, prevTs: -1, start: null };
  }

  private stateOf(c: ComputationState): NfaState<T> {
    return this.nfa.states.get(c.state)!;
  }

  process(s: NfaKeyState<T>, value: T, timestamp: number, now: () => number): Match<T>[] {
    const buffer = new SharedBuffer<T>(s.buffer);
    const eventId = buffer.registerEvent(value, timestamp);
    try {
      const partial = new JavaPriorityQueue<ComputationState>(BY_START);
      const potential = new JavaPriorityQueue<ComputationState>(BY_START);
      for (const cs of s.partial) {
        const next = this.computeNextStates(buffer, cs, value, eventId, timestamp, now);
        const retain: ComputationState[] = [];
        let discard = false;
        for (const n of next) {
          const type = this.stateOf(n).type;
          if (type === "final") potential.add(n);
          else if (type === "stop") {
            discard = true;
            buffer.releaseNode(n.prev, n.version);
          } else retain.push(n);
        }
        if (discard) for (const r of retain) buffer.releaseNode(r.prev, r.version);
        else partial.addAll(retain);
      }
      const result: Match<T>[] = [];
      if (this.skip.isSkipStrategy) this.emitBySkipStrategy(buffer, s, potential, partial, result);
      // Polled, not iterated: Flink 1.20 emits them in the queue's poll order.
      else
        for (let m = potential.poll(); m !== undefined; m = potential.poll()) {
          result.push(buffer.materialize(buffer.extractPatterns(m.prev, m.version)[0]));
          buffer.releaseNode(m.prev, m.version);
        }
      s.partial = partial.items;
      return result;
    } finally {
      buffer.releaseEvent(eventId);
    }
  }

  advanceTime(s: NfaKeyState<T>, timestamp: number): { matches: Match<T>[]; timeouts: [Match<T>, number][] } {
    const buffer = new SharedBuffer<T>(s.buffer);
    const matches: Match<T>[] = [];
    const timeouts: [Match<T>, number][] = [];
    const partial = new JavaPriorityQueue<ComputationState>(BY_START);
    const potential = new JavaPriorityQueue<ComputationState>(BY_START);
    const window = this.nfa.windowTime;
    for (const cs of s.partial) {
      const timedOut = this.stateOf(cs).type !== "start" && window > 0 && timestamp - cs.startTs >= window;
      if (!timedOut) {
        partial.add(cs);
        continue;
      }
      // A notFollowedBy at the end completes when its window passes without the NOT event.
      if (this.stateOf(cs).type === "pending") {
        potential.add(cs);
        continue;
      }
      if (this.handleTimeout) timeouts.push([buffer.materialize(buffer.extractPatterns(cs.prev, cs.version)[0]), cs.startTs + window]);
      buffer.releaseNode(cs.prev, cs.version);
    }
    this.emitBySkipStrategy(buffer, s, potential, partial, matches);
    s.partial = partial.items;
    buffer.advanceTime(timestamp);
    return { matches, timeouts };
  }

  /** Emits completed matches that no earlier partial match precedes, pruning by the skip strategy. */
  private emitBySkipStrategy(buffer: SharedBuffer<T>, s: NfaKeyState<T>, potential: JavaPriorityQueue<ComputationState>, partial: JavaPriorityQueue<ComputationState>, result: Match<T>[]): void {
    const completed = new JavaPriorityQueue<ComputationState>(BY_START, s.completed);
    completed.addAll(potential.items);
    let earliest = completed.peek();
    while (earliest !== undefined) {
      const earliestPartial = partial.peek();
      if (earliestPartial !== undefined && BY_START(earliest, earliestPartial) > 0) break;
      completed.poll();
      const paths = buffer.extractPatterns(earliest.prev, earliest.version);
      const pruningId = this.skip.pruningId(paths);
      if (pruningId !== undefined) {
        const prune = (q: JavaPriorityQueue<ComputationState>) => {
          const drop = q.items.filter((c) => c.start !== null && this.skip.shouldPrune(c.start, pruningId));
          for (const d of drop) buffer.releaseNode(d.prev, d.version);
          if (drop.length > 0) q.removeIf((c) => drop.some((d) => sameState(c, d)));
        };
        prune(partial);
        prune(completed);
      }
      result.push(buffer.materialize(paths[0]));
      buffer.releaseNode(earliest.prev, earliest.version);
      earliest = completed.peek();
    }
    s.completed = completed.items;
  }

  private computeNextStates(buffer: SharedBuffer<T>, cs: ComputationState, value: T, eventId: EventId, timestamp: number, now: () => number): ComputationState[] {
    let matched: Match<T> | undefined;
    const ctx: CepConditionContext<T> = {
      getEventsForPattern: (name) => {
        matched ??= buffer.materialize(buffer.extractPatterns(cs.prev, cs.version)[0]);
        return matched.get(name) ?? [];
      },
      timestamp: () => timestamp,
      currentProcessingTime: now,
    };
    const current = this.stateOf(cs);
    const { edges, takes, ignores } = this.decisionGraph(current, value, ctx);
    let takeBranchesToVisit = Math.max(0, takes - 1);
    let ignoreBranchesToVisit = ignores;
    const totalTakeToSkip = Math.max(0, takes - 1);
    const isStart = current.type === "start";
    const out: ComputationState[] = [];
    const add = (state: NfaState<T>, prev: string | null, version: Dewey, startTs: number, prevTs: number, start: EventId | null) => {
      const c: ComputationState = { state: state.name, prev, version, startTs, prevTs, start };
      out.push(c);
      buffer.lockNode(prev, version);
    };
    for (const edge of edges) {
      if (edge.action === "ignore") {
        if (isStart) continue;
        let version: Dewey;
        if (edge.target.name === current.name) version = increase(cs.version, selfIncrease(ignores, takes));
        else {
          version = addStage(increase(cs.version, totalTakeToSkip + ignoreBranchesToVisit));
          ignoreBranchesToVisit--;
        }
        add(edge.target, cs.prev, version, cs.startTs, cs.prevTs, cs.start);
      } else {
        const currentVersion = increase(cs.version, takeBranchesToVisit);
        const nextVersion = addStage(currentVersion);
        takeBranchesToVisit--;
        const node = buffer.put(edge.source.name, eventId, cs.prev, currentVersion);
        const startTs = isStart ? timestamp : cs.startTs;
        const start = isStart ? eventId : cs.start;
        add(edge.target, node, nextVersion, startTs, timestamp, start);
        const final = this.finalAfterProceed(edge.target, value, ctx);
        if (final !== undefined) add(final, node, nextVersion, startTs, timestamp, start);
      }
    }
    if (isStart) out.push(this.startState(increase(cs.version, selfIncrease(ignores, takes))));
    buffer.releaseNode(cs.prev, cs.version);
    return out;
  }

  /** The take/ignore edges an event can follow from `state`, through proceed (epsilon) transitions, depth first. */
  private decisionGraph(state: NfaState<T>, value: T, ctx: CepConditionContext<T>): { edges: Transition<T>[]; takes: number; ignores: number } {
    const edges: Transition<T>[] = [];
    let takes = 0;
    let ignores = 0;
    const stack = [state];
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const t of s.transitions) {
        if (!t.condition(value, ctx)) continue;
        if (t.action === "proceed") stack.push(t.target);
        else {
          const selfIgnore = t.action === "ignore" && t.target.name === state.name;
          if (!selfIgnore) {
            if (t.action === "ignore") ignores++;
            else takes++;
          }
          edges.push(t);
        }
      }
    }
    return { edges, takes, ignores };
  }

  /** The final state reachable from `state` over proceed transitions the event satisfies, if any. */
  private finalAfterProceed(state: NfaState<T>, value: T, ctx: CepConditionContext<T>): NfaState<T> | undefined {
    const stack = [state];
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const t of s.transitions) {
        if (t.action !== "proceed" || !t.condition(value, ctx)) continue;
        if (t.target.type === "final") return t.target;
        stack.push(t.target);
      }
    }
    return undefined;
  }
}

function selfIncrease(ignores: number, takes: number): number {
  return takes === 0 && ignores === 0 ? 0 : ignores + Math.max(1, takes);
}
