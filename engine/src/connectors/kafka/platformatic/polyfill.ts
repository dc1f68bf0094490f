/**
 * `Promise.withResolvers` for Node 20 (it arrived in Node 22 / V8 12.4).
 *
 * @platformatic/kafka 2.x declares `engines: node >= 22.22` and on Node 20 fails on its first call:
 * every promise-returning method (and `close()`) goes through `createPromisifiedCallback`
 * (dist/apis/callbacks.js), which calls `Promise.withResolvers()`; gzip compression calls it too.
 * Checked against 2.12.1 on Node 20.20.2 with Kafka 3.9.2 and 4.4.0: it is the only Node 22 API
 * the library needs for what Sluice uses (admin, produce, transactions, raw fetch). zstd
 * (`zlib.zstdCompressSync`, Node 22.15+) stays unavailable: the library throws
 * UnsupportedCompressionError for zstd-compressed batches on Node 20.
 *
 * Installed once, only where missing, with the standard semantics, before the library is loaded
 * (`library.ts` imports this module first). Node 22+ keeps its own implementation.
 */

interface WithResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => WithResolvers<T> };

const PromiseCtor = Promise as PromiseWithResolvers;

/** True when this module had to install the polyfill (Node < 22), for reports and tests. */
export const polyfilled = typeof PromiseCtor.withResolvers !== "function";

if (polyfilled) {
  Object.defineProperty(Promise, "withResolvers", {
    // Same shape as the built-in: a non-enumerable, writable, configurable static method.
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): WithResolvers<T> {
      let resolve!: WithResolvers<T>["resolve"];
      let reject!: WithResolvers<T>["reject"];
      // `this`, like the built-in, so subclasses get their own kind of promise (Promise if called detached).
      const Ctor: PromiseConstructor = typeof this === "function" ? this : Promise;
      const promise = new Ctor<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
