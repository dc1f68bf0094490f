import type { Sink, SinkWriter } from "./Sink.js";

/**
 * Collects records into an array that fills while the job runs.
 *
 * @example
 * const out = sinks.collect<number>();
 * env.fromArray([1, 2, 3]).map(x => x * 2).sinkTo(out);
 * await env.execute("double").wait();
 * out.values; // [2, 4, 6]
 */
export class CollectSink<T> implements Sink<T> {
  readonly name: string;
  /** Records in arrival order (across subtasks: in the order their batches reached the sink). */
  readonly values: T[] = [];
  /** Event timestamps parallel to `values` (NaN = none). */
  readonly timestamps: number[] = [];
  /** Highest watermark seen by any writer. */
  watermark = Number.NEGATIVE_INFINITY;

  constructor(name = "collect") {
    this.name = name;
  }

  createWriter(): SinkWriter<T> {
    return {
      write: (values, timestamps) => {
        for (let i = 0; i < values.length; i++) {
          this.values.push(values[i]!);
          this.timestamps.push(timestamps[i]!);
        }
      },
      onWatermark: (w) => {
        if (w > this.watermark) this.watermark = w;
      },
      // Rollback on restore is exact at parallelism 1 (one writer appends to the shared array).
      snapshotState: () => this.values.length,
      restoreState: (length) => {
        this.values.length = Math.min(this.values.length, length as number);
        this.timestamps.length = this.values.length;
      },
    };
  }

  clear(): void {
    this.values.length = 0;
    this.timestamps.length = 0;
  }
}

/**
 * Keeps only the latest record per key: the natural view of window results with late firings,
 * where a later firing for the same key and window replaces the earlier one.
 *
 * @example
 * const latest = sinks.latest((r: WindowResult<string, number>) => [r.key, r.start]);
 * ...aggregateWithWindow(Aggregators.count()).sinkTo(latest);
 * latest.values(); // one result per (page, window), late updates applied
 */
export class LatestSink<T> implements Sink<T> {
  readonly name: string;
  private readonly byKey = new Map<string, T>();
  updates = 0;

  constructor(
    private readonly keyOf: (value: T) => unknown,
    name = "latest",
  ) {
    this.name = name;
  }

  createWriter(): SinkWriter<T> {
    return {
      write: (values) => {
        for (const value of values) {
          this.byKey.set(JSON.stringify(this.keyOf(value)), value);
          this.updates++;
        }
      },
    };
  }

  values(): T[] {
    return [...this.byKey.values()];
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** Calls `fn` with each batch; return a promise to apply back-pressure. */
export function callbackSink<T>(fn: (values: readonly T[], timestamps: readonly number[]) => void | Promise<void>, name = "callback"): Sink<T> {
  return { name, createWriter: () => ({ write: fn }) };
}

/** Calls `fn` for each record. */
export function forEachSink<T>(fn: (value: T, timestamp: number) => void, name = "forEach"): Sink<T> {
  return {
    name,
    createWriter: () => ({
      write(values, timestamps) {
        for (let i = 0; i < values.length; i++) fn(values[i]!, timestamps[i]!);
      },
    }),
  };
}

export interface ConsoleSinkOptions<T> {
  /** Printed before each record, e.g. the stream name. */
  prefix?: string;
  /** How to render a record; default JSON for objects. */
  format?: (value: T) => string;
  /** Stop printing after this many records (the rest are counted in a final line). */
  limit?: number;
  /** Defaults to `console.log`; the kernel may pass its own writer. */
  print?: (line: string) => void;
}

/** Prints records, one line each. */
export function consoleSink<T>(options: ConsoleSinkOptions<T> = {}): Sink<T> {
  const format = options.format ?? ((v: T) => (typeof v === "string" ? v : JSON.stringify(v)));
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const prefix = options.prefix !== undefined ? `${options.prefix}> ` : "";
  let printed = 0;
  let suppressed = 0;
  return {
    name: "console",
    createWriter: (ctx) => {
      const print = options.print ?? ((line: string) => console.log(line));
      const sub = ctx.parallelism > 1 ? `${ctx.subtask + 1}> ` : "";
      return {
        write(values) {
          for (const value of values) {
            if (printed < limit) {
              print(prefix + sub + format(value));
              printed++;
            } else {
              suppressed++;
            }
          }
        },
        flush() {
          if (suppressed > 0) print(`${prefix}... ${suppressed} more record(s) not printed (limit ${limit})`);
          suppressed = 0;
        },
      };
    },
  };
}
