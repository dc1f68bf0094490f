import { AsyncLocalStorage } from "node:async_hooks";
import { Header } from "../wire/messages.js";

/** Where output produced by user code belongs: the request that ran the code. */
export interface OutputTarget {
  parent: Header;
  /** Identities of the shell request, used to route stdin input_request to the same client. */
  identities: Buffer[];
  allowStdin: boolean;
  /** Output still being made for this request (a chart's SVG); the reply waits for it. */
  pending?: Promise<unknown>[];
}

/**
 * Output from a timer, a promise or a background job lands in the cell that started it, not in
 * whichever cell happens to run now: the target rides along in async context.
 */
export class OutputContext {
  private readonly storage = new AsyncLocalStorage<OutputTarget>();
  private last: OutputTarget | undefined;
  private running: OutputTarget | undefined;

  run<T>(target: OutputTarget, fn: () => T): T {
    this.last = target;
    this.running = target;
    const done = () => {
      if (this.running === target) this.running = undefined;
    };
    let result: T;
    try {
      result = this.storage.run(target, fn);
    } catch (error) {
      done();
      throw error;
    }
    if (result instanceof Promise) result.then(done, done);
    else done();
    return result;
  }

  /** The request whose cell code is executing now (set for the span of `run`), if any. */
  executing(): OutputTarget | undefined {
    return this.running;
  }

  /** The target of the code running now, else of the most recent request. */
  current(): OutputTarget | undefined {
    return this.storage.getStore() ?? this.last;
  }
}
