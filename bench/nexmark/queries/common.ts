import { WatermarkStrategy, type DataStream, type KeyedStateAccess, type Operator, type Output, type RecordBatch, type StreamEnvironment } from "../../../engine/src/index.js";
import { Nexmark, type Auction, type Bid, type NexmarkEvent, type NexmarkOptions, type Person } from "../../../engine/src/connectors/nexmark/index.js";

/**
 * A Nexmark query on the DataStream API. `check` maps each output record to an integer; the sum over
 * all outputs is a fingerprint the benchmark compares with the Flink twin's (same generator, same
 * queries), so a fast but wrong implementation cannot go unnoticed. Only order-independent fields go in.
 */
export interface NexmarkQuery<R> {
  readonly name: string;
  /** What the query computes, in one line (as in the Nexmark suite). */
  readonly description: string;
  build(events: DataStream<NexmarkEvent>): DataStream<R>;
  check(record: R): number;
}

/** Nexmark's watermark: event time minus 4 s (the suite's `ddl_gen.sql`). */
export const WATERMARK_DELAY_MS = 4000;

/** The event stream every query reads: the generator with Nexmark's watermark. */
export function nexmarkEvents(env: StreamEnvironment, options: NexmarkOptions): DataStream<NexmarkEvent> {
  return env.fromSource(Nexmark.source(options), WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(WATERMARK_DELAY_MS), "nexmark");
}

// Filters by event type. DataStream.filter keeps the element type, so the narrowing is a cast here.
export const bids = (events: DataStream<NexmarkEvent>): DataStream<Bid> => events.filter((e) => e.type === "bid").name("bids") as unknown as DataStream<Bid>;
export const auctions = (events: DataStream<NexmarkEvent>): DataStream<Auction> => events.filter((e) => e.type === "auction").name("auctions") as unknown as DataStream<Auction>;
export const persons = (events: DataStream<NexmarkEvent>): DataStream<Person> => events.filter((e) => e.type === "person").name("persons") as unknown as DataStream<Person>;

export const TEN_SECONDS = 10_000;

/**
 * A local pre-filter ahead of an exchange (q5's BelowWindowMax, q7's BelowWindowTop): one instance per subtask
 * (`transform`; a plain filter's closure would be shared by the subtasks on one thread), passing on the records
 * `keep` says may still matter downstream, as a batch.
 */
export abstract class LocalPrune<T> implements Operator<T> {
  constructor(private readonly output: Output<T>) {}

  abstract keep(value: T): boolean;

  processBatch({ values, timestamps }: RecordBatch<T>): void {
    const keptValues: T[] = [];
    const keptTimestamps: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as T;
      if (!this.keep(v)) continue;
      keptValues.push(v);
      keptTimestamps.push(timestamps[i] as number);
    }
    if (keptValues.length > 0) this.output.emitBatch(keptValues, keptTimestamps);
  }
}

/**
 * Per-subtask state handles for a keyed (co-)process function. The engine hands the *same* function
 * object to every parallel subtask and calls `open()` once per subtask, so handles stored on `this` in
 * `open()` would be the last subtask's and other subtasks would read and write its state (Flink gives
 * each subtask its own copy; reported as an engine bug). The context object is per subtask, so handles
 * are cached per context instead.
 */
export function handlesPerSubtask<H>(create: (state: KeyedStateAccess) => H): (ctx: KeyedStateAccess) => H {
  const cache = new WeakMap<KeyedStateAccess, H>();
  return (ctx) => {
    let h = cache.get(ctx);
    if (h === undefined) {
      h = create(ctx);
      cache.set(ctx, h);
    }
    return h;
  };
}
