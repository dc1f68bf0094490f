import type { Collector } from "../api/functions.js";
import type { KeyedCoProcessFunction, KeyedProcessFunction, KeyedProcessContext, OnTimerContext, TimerService } from "../api/keyedFunctions.js";
import type { OutputTag } from "../api/OutputTag.js";
import { ApiUsageError, describeValue } from "../errors/errors.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../graph/keys.js";
import { type KeyedTimersSnapshot, restoreTimers, timersSnapshot } from "./keyedTimers.js";
import type { RecordBatch } from "../runtime/StreamElement.js";
import { KeyedStateStore } from "../state/KeyedStateStore.js";
import { TimerQueue, type Timer } from "../time/TimerQueue.js";
import type { Operator, OperatorContext } from "./Operator.js";
import { forEachRecord } from "./forEachRecord.js";
import { missingTimestamp, noTime } from "./missingTimestamp.js";

/** `record` while a timer, not a record, is being handled. */
const NO_RECORD = Symbol("no record");

type ElementHandler = (value: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>) => void;

/**
 * Runs a `KeyedProcessFunction` (one input) or `KeyedCoProcessFunction` (two inputs, each with its
 * own key selector): keyed state shared by both inputs, event/processing-time timers, side outputs.
 */
export class KeyedProcessOperator<K, I, O> implements Operator<I> {
  private readonly store = new KeyedStateStore();
  // Checkpointed: timers and keyed state. Transient: the current key/timestamp below.
  private readonly eventTimers = new TimerQueue<undefined>();
  private readonly processingTimers = new TimerQueue<undefined>();
  private key: unknown;
  private normKey: NormalizedKey;
  private timestamp = Number.NaN;
  private record: unknown = NO_RECORD;
  private timeDomain: "event-time" | "processing-time" = "event-time";
  private readonly collector: Collector<O>;
  private readonly context: OnTimerContext<K>;
  private readonly handlers: ElementHandler[];

  // biome-ignore lint/suspicious/noExplicitAny: one operator serves one- and two-input functions; the input types are checked where the graph is built
  private readonly fn: KeyedProcessFunction<K, I, O> | KeyedCoProcessFunction<K, any, any, O>;

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: one operator serves one- and two-input functions; the input types are checked where the graph is built
    shared: KeyedProcessFunction<K, I, O> | KeyedCoProcessFunction<K, any, any, O>,
    // biome-ignore lint/suspicious/noExplicitAny: one operator serves one- and two-input functions; the input types are checked where the graph is built
    private readonly keySelectors: readonly ((value: any) => K)[],
    private readonly ctx: OperatorContext<O>,
  ) {
    // Each subtask gets its own copy, as in Flink: state handles that open() keeps on `this`
    // must belong to this subtask, not to whichever subtask opened last.
    const fn = Object.create(shared) as typeof shared;
    this.fn = fn;
    const self = this;
    // Methods are called with `this` = the user's object, so state fields declared on it work.
    const bound = (name: "processElement" | "processElement1" | "processElement2"): ElementHandler => {
      const method = (fn as unknown as Record<string, ElementHandler | undefined>)[name];
      if (method === undefined) throw new TypeError(`the process function has no ${name}()`);
      return (value, c, out) => method.call(fn, value, c, out);
    };
    this.handlers = "processElement" in fn ? [bound("processElement")] : [bound("processElement1"), bound("processElement2")];
    this.collector = { collect: (value: O) => ctx.output.emit(value, self.timestamp) };
    const timerService: TimerService = {
      currentProcessingTime: () => ctx.clock.now(),
      currentWatermark: () => ctx.currentWatermark(),
      registerEventTimeTimer: (t) => {
        // A NaN in the timer queue's heap would break its order for every key's timers.
        if (noTime(t)) throw self.timerAtNaN(t);
        self.eventTimers.register(t, self.key, self.normKey, undefined, "");
      },
      registerProcessingTimeTimer: (t) => void self.processingTimers.register(t, self.key, self.normKey, undefined, ""),
      deleteEventTimeTimer: (t) => void self.eventTimers.delete(t, self.normKey, ""),
      deleteProcessingTimeTimer: (t) => void self.processingTimers.delete(t, self.normKey, ""),
    };
    const store = this.store;
    this.context = {
      get timestamp() {
        return self.timestamp;
      },
      get timeDomain() {
        return self.timeDomain;
      },
      timerService,
      getCurrentKey: () => self.key as K,
      currentWatermark: () => ctx.currentWatermark(),
      currentProcessingTime: () => ctx.clock.now(),
      output: <S>(tag: OutputTag<S>, value: S) => ctx.output.emitSide(tag, value, self.timestamp),
      getState: (name, defaultValue) => store.getState(name, defaultValue),
      getListState: (name) => store.getListState(name),
      getMapState: (name) => store.getMapState(name),
    };
  }

  open(): void | Promise<void> {
    const ctx = this.ctx;
    const store = this.store;
    return this.fn.open?.({
      jobName: ctx.jobName,
      operatorName: ctx.operatorName,
      subtask: ctx.subtask,
      parallelism: ctx.parallelism,
      getState: (name, defaultValue) => store.getState(name, defaultValue),
      getListState: (name) => store.getListState(name),
      getMapState: (name) => store.getMapState(name),
    });
  }

  processBatch(batch: RecordBatch<I>, input: number): void {
    const { values, timestamps } = batch;
    const n = values.length;
    const keySelector = this.keySelectors[input]!;
    const handler = this.handlers[input]!;
    const context = this.context as unknown as KeyedProcessContext<unknown>;
    const collector = this.collector as Collector<unknown>;
    forEachRecord(
      n,
      (i) => {
        const value = values[i]!;
        this.key = undefined;
        const key = keySelector(value);
        this.setKey(key, normalizeKey(key));
        this.timestamp = timestamps[i]!;
        this.record = value;
        handler(value, context, collector);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i]!, this.key),
    );
  }

  /** An event-time timer at NaN (or not a number): mostly `ctx.timestamp + …` for a record that has no timestamp. */
  private timerAtNaN(t: unknown): Error {
    if (this.record !== NO_RECORD && noTime(this.timestamp)) return missingTimestamp(this.ctx, this.key, this.record);
    const where = { job: this.ctx.jobName, operator: this.ctx.operatorName, subtask: this.ctx.subtask, key: this.key };
    return new ApiUsageError(`An event-time timer needs a time in milliseconds, not ${describeValue(t)}, in job '${where.job}', operator '${where.operator}' (subtask ${where.subtask})`, where);
  }

  private setKey(key: unknown, normKey: NormalizedKey): void {
    this.key = key;
    this.normKey = normKey;
    this.store.setCurrentKey(key, normKey);
  }

  onWatermark(watermark: number): void {
    this.fire(this.eventTimers, watermark, "event-time");
  }

  nextProcessingTime(): number {
    return this.processingTimers.peek();
  }

  onProcessingTime(now: number): void {
    this.fire(this.processingTimers, now, "processing-time");
  }

  private fire(queue: TimerQueue<undefined>, upTo: number, domain: "event-time" | "processing-time"): void {
    const onTimer = this.fn.onTimer;
    let due: Timer<undefined>[] | undefined;
    this.record = NO_RECORD;
    while ((due = queue.pollDue(upTo)) !== undefined) {
      if (onTimer === undefined) continue;
      for (const timer of due) {
        this.setKey(timer.key, timer.normKey);
        this.timestamp = domain === "event-time" ? timer.timestamp : Number.NaN;
        this.timeDomain = domain;
        try {
          onTimer.call(this.fn, timer.timestamp, this.context, this.collector);
        } catch (cause) {
          this.ctx.userError(cause, { timer: timer.timestamp, timeDomain: domain }, this.timestamp, timer.key);
        }
      }
    }
    this.timeDomain = "event-time";
  }

  close(): void | Promise<void> {
    return this.fn.close?.();
  }

  snapshotState(): KeyedTimersSnapshot {
    return { state: this.store.snapshot(), eventTimers: timersSnapshot(this.eventTimers), processingTimers: timersSnapshot(this.processingTimers) };
  }

  restoreState(state: unknown): void {
    const s = state as KeyedTimersSnapshot;
    const owns = ownsKey(this.ctx);
    this.store.restore(s.state, owns);
    restoreTimers(this.eventTimers, s.eventTimers, owns);
    restoreTimers(this.processingTimers, s.processingTimers, owns);
  }
}
