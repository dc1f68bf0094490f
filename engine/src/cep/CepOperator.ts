import type { Collector } from "../api/functions.js";
import type { OutputTag } from "../api/OutputTag.js";
import { normalizeKey, type NormalizedKey, ownsKey } from "../graph/keys.js";
import { type KeyedTimersSnapshot, restoreTimers, timersSnapshot } from "../operators/keyedTimers.js";
import type { Operator, OperatorContext } from "../operators/Operator.js";
import { forEachRecord } from "../operators/forEachRecord.js";
import { missingTimestamp, noTime } from "../operators/missingTimestamp.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import { KeyedStateStore } from "../state/KeyedStateStore.js";
import type { ValueState } from "../state/State.js";
import { TimerQueue } from "../time/TimerQueue.js";
import type { AfterMatchSkipStrategy } from "./AfterMatchSkipStrategy.js";
import { compilePattern } from "./compiler.js";
import { type Match, NFA, type NfaKeyState } from "./NFA.js";
import type { Pattern } from "./Pattern.js";

/** What `processMatch` / `processTimedOutMatch` see (Flink's PatternProcessFunction.Context). */
export interface PatternContext {
  /** The match's timestamp: its last event's, or the time it completed or timed out at. */
  timestamp(): number;
  currentProcessingTime(): number;
  output<S>(tag: OutputTag<S>, value: S): void;
}

/**
 * Called for each match (Flink's PatternProcessFunction). Give it `processTimedOutMatch` (Flink's
 * TimedOutPartialMatchHandler) to receive partial matches that `within` timed out; emit those to a side
 * output with `ctx.output(tag, value)`.
 */
export interface PatternProcessFunction<T, R> {
  processMatch(match: Map<string, T[]>, ctx: PatternContext, out: Collector<R>): void;
  processTimedOutMatch?(match: Map<string, T[]>, ctx: PatternContext): void;
}

export interface CepOptions<T> {
  timeDomain: "event-time" | "processing-time";
  lateDataTag: OutputTag<T> | undefined;
}

/**
 * Runs a pattern per key (Flink's CepOperator). In event time, records wait in keyed state, per
 * timestamp, until the watermark passes them; then they enter the NFA in timestamp order (arrival
 * order within a timestamp). Records at or behind the watermark are late: dropped (counted) or sent to
 * the late-data side output. In processing time, each record enters the NFA when it arrives.
 */
export class CepOperator<K, T, R> implements Operator<T> {
  private readonly store = new KeyedStateStore();
  private readonly nfaState: ValueState<NfaKeyState<T>>;
  /** Event time: records not yet behind the watermark, by timestamp. */
  private readonly queue: ValueState<Map<number, T[]>>;
  private readonly eventTimers = new TimerQueue<undefined>();
  private readonly processingTimers = new TimerQueue<undefined>();
  private readonly nfa: NFA<T>;
  private key: unknown;
  private normKey: NormalizedKey;
  private timestamp = Number.NaN;
  private readonly context: PatternContext;
  private readonly collector: Collector<R>;

  constructor(
    pattern: Pattern<T>,
    skip: AfterMatchSkipStrategy,
    private readonly fn: PatternProcessFunction<T, R>,
    private readonly keySelector: (value: T) => K,
    private readonly options: CepOptions<T>,
    private readonly ctx: OperatorContext<R>,
  ) {
    this.nfa = new NFA(compilePattern(pattern), skip, fn.processTimedOutMatch !== undefined);
    this.nfaState = this.store.getState("cep.nfa");
    this.queue = this.store.getState("cep.queue");
    this.context = {
      timestamp: () => this.timestamp,
      currentProcessingTime: () => ctx.clock.now(),
      output: (tag, value) => ctx.output.emitSide(tag, value, this.timestamp),
    };
    this.collector = { collect: (value) => ctx.output.emit(value, this.timestamp) };
  }

  processBatch(batch: RecordBatch<T>, _input: number): void {
    const { values, timestamps } = batch;
    const eventTime = this.options.timeDomain === "event-time";
    forEachRecord(
      values.length,
      (i) => {
        const value = values[i]!;
        this.key = undefined;
        const key = this.keySelector(value);
        this.setKey(key, normalizeKey(key));
        if (!eventTime) return this.processInProcessingTime(value);
        const ts = timestamps[i]!;
        if (noTime(ts)) throw missingTimestamp(this.ctx, key, value);
        if (ts > this.ctx.currentWatermark()) this.bufferEvent(value, ts);
        else if (this.options.lateDataTag !== undefined) this.ctx.output.emitSide(this.options.lateDataTag, value, ts);
        else this.ctx.counters.lateRecordsDropped++;
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!, this.key),
    );
  }

  private setKey(key: unknown, normKey: NormalizedKey): void {
    this.key = key;
    this.normKey = normKey;
    this.store.setCurrentKey(key, normKey);
  }

  private bufferEvent(value: T, ts: number): void {
    let queue = this.queue.value();
    if (queue === undefined) this.queue.update((queue = new Map()));
    const list = queue.get(ts);
    if (list === undefined) {
      queue.set(ts, [value]);
      this.eventTimers.register(ts, this.key, this.normKey, undefined, "");
    } else list.push(value);
  }

  private processInProcessingTime(value: T): void {
    const now = this.ctx.clock.now();
    const state = this.nfaState.value() ?? this.nfa.initialState();
    this.advanceTime(state, now);
    this.processEvent(state, value, now);
    if (this.nfa.windowTime > 0 && state.partial.length > 1) this.processingTimers.register(now + this.nfa.windowTime, this.key, this.normKey, undefined, "");
    this.save(state, undefined);
  }

  private processEvent(state: NfaKeyState<T>, value: T, ts: number): void {
    const matches = this.nfa.process(state, value, ts, () => this.ctx.clock.now());
    this.emitMatches(matches, ts);
  }

  private advanceTime(state: NfaKeyState<T>, ts: number): void {
    const { matches, timeouts } = this.nfa.advanceTime(state, ts);
    this.emitMatches(matches, ts);
    for (const [match, at] of timeouts) {
      this.timestamp = at;
      this.fn.processTimedOutMatch!(match, this.context);
    }
  }

  private emitMatches(matches: Match<T>[], ts: number): void {
    this.timestamp = ts;
    for (const m of matches) this.fn.processMatch(m, this.context, this.collector);
  }

  private save(state: NfaKeyState<T>, queue: Map<number, T[]> | undefined): void {
    if (this.nfa.isIdle(state)) this.nfaState.clear();
    else this.nfaState.update(state);
    if (queue !== undefined && queue.size === 0) this.queue.clear();
  }

  onWatermark(watermark: number): void {
    let due: ReturnType<TimerQueue<undefined>["pollDue"]>;
    while ((due = this.eventTimers.pollDue(watermark)) !== undefined) {
      for (const timer of due) {
        this.setKey(timer.key, timer.normKey);
        try {
          this.onEventTime(watermark);
        } catch (cause) {
          this.ctx.userError(cause, { timer: timer.timestamp, timeDomain: "event-time" }, this.timestamp, timer.key);
        }
      }
    }
  }

  /** Feeds the records behind the watermark to the NFA in timestamp order, then times out what `within` expired. */
  private onEventTime(watermark: number): void {
    const queue = this.queue.value();
    const state = this.nfaState.value() ?? this.nfa.initialState();
    if (queue !== undefined) {
      const ready = [...queue.keys()].filter((ts) => ts <= watermark).sort((a, b) => a - b);
      for (const ts of ready) {
        const events = queue.get(ts)!;
        queue.delete(ts);
        this.advanceTime(state, ts);
        for (const e of events) this.processEvent(state, e, ts);
      }
    }
    this.advanceTime(state, watermark);
    this.save(state, queue);
    // Look again when time alone can change the key: its earliest partial match times out (held-back
    // matches are released by that or by a record). Records still queued have their own timers
    // (bufferEvent). Flink re-arms at watermark + 1 while anything is pending, which wakes every such
    // key on every watermark; Sluice sends a watermark after every batch, and the CEP bench at 1e6 keys
    // spent most of its time in those sweeps. Both wake a key at the same watermarks that change it.
    const wake = this.nfa.nextTimeout(state);
    if (wake !== undefined && Number.isFinite(watermark)) this.eventTimers.register(Math.max(wake, watermark + 1), this.key, this.normKey, undefined, "");
  }

  nextProcessingTime(): number {
    return this.processingTimers.peek();
  }

  onProcessingTime(now: number): void {
    let due: ReturnType<TimerQueue<undefined>["pollDue"]>;
    while ((due = this.processingTimers.pollDue(now)) !== undefined) {
      for (const timer of due) {
        this.setKey(timer.key, timer.normKey);
        try {
          const state = this.nfaState.value();
          if (state === undefined) continue;
          this.advanceTime(state, now);
          this.save(state, undefined);
        } catch (cause) {
          this.ctx.userError(cause, { timer: timer.timestamp, timeDomain: "processing-time" }, this.timestamp, timer.key);
        }
      }
    }
  }

  snapshotState(): KeyedTimersSnapshot {
    // A deep copy: the matcher mutates its per-key state in place after the barrier.
    return { state: structuredClone(this.store.snapshot()), eventTimers: timersSnapshot(this.eventTimers), processingTimers: timersSnapshot(this.processingTimers) };
  }

  restoreState(state: unknown): void {
    const s = state as KeyedTimersSnapshot;
    const owns = ownsKey(this.ctx);
    this.store.restore(structuredClone(s.state), owns);
    restoreTimers(this.eventTimers, s.eventTimers, owns);
    restoreTimers(this.processingTimers, s.processingTimers, owns);
  }
}
