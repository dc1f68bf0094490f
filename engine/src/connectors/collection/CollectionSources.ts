import type { Source, SourcePoll, SourceReader } from "../Source.js";

/**
 * In-memory sources behind `env.fromArray / fromIterable / fromAsyncIterable`. They are not
 * parallel (parallelism 1), so records keep their order.
 */
export function arraySource<T>(values: readonly T[], name = "fromArray"): Source<T> {
  return {
    name,
    bounded: true,
    maxParallelism: 1,
    createReader(): SourceReader<T> {
      let position = 0;
      return {
        poll(max) {
          const end = Math.min(values.length, position + max);
          const batch = values.slice(position, end);
          position = end;
          return { values: batch, end: position >= values.length };
        },
        snapshotPosition: () => position,
        restorePosition: (p) => {
          position = p as number;
        },
      };
    },
  };
}

/** A synchronous iterable, possibly infinite (a generator). Consumed lazily, `max` records per poll. */
export function iterableSource<T>(iterable: Iterable<T>, name = "fromIterable"): Source<T> {
  return {
    name,
    bounded: true,
    maxParallelism: 1,
    createReader(): SourceReader<T> {
      const iterator = iterable[Symbol.iterator]();
      let done = false;
      return {
        poll(max) {
          const values: T[] = [];
          while (values.length < max) {
            const next = iterator.next();
            if (next.done === true) {
              done = true;
              break;
            }
            values.push(next.value);
          }
          return { values, end: done };
        },
        close() {
          if (!done) iterator.return?.();
        },
      };
    },
  };
}

/**
 * An async iterable. Each poll awaits one record, then takes more only while they are already available
 * (resolved before the next macrotask), so a slow producer never delays records already read.
 */
export function asyncIterableSource<T>(iterable: AsyncIterable<T>, name = "fromAsyncIterable"): Source<T> {
  return {
    name,
    bounded: true,
    maxParallelism: 1,
    createReader(): SourceReader<T> {
      const iterator = iterable[Symbol.asyncIterator]();
      let pending: Promise<IteratorResult<T>> | undefined;
      let done = false;
      const NOT_YET = Symbol("not yet");
      return {
        async poll(max): Promise<SourcePoll<T>> {
          const values: T[] = [];
          const first = await (pending ?? iterator.next());
          pending = undefined;
          if (first.done === true) {
            done = true;
            return { values, end: true };
          }
          values.push(first.value);
          while (values.length < max) {
            const next = iterator.next();
            const settled = await Promise.race([next, new Promise<typeof NOT_YET>((r) => setImmediate(() => r(NOT_YET)))]);
            if (settled === NOT_YET) {
              pending = next;
              break;
            }
            if (settled.done === true) {
              done = true;
              return { values, end: true };
            }
            values.push(settled.value);
          }
          return { values };
        },
        async close() {
          if (!done) await iterator.return?.();
        },
      };
    },
  };
}
