import { Outbox } from "./outbox.js";
import { OutputContext } from "./outputContext.js";

export class StdinNotAllowedError extends Error {
  override name = "StdinNotAllowedError";
  constructor() {
    super("this frontend does not accept input (allow_stdin is false)");
  }
}

export class InputInterruptedError extends Error {
  override name = "InputInterruptedError";
  constructor() {
    super("input was interrupted");
  }
}

/**
 * input_request on the stdin channel, routed to the client that sent the running
 * execute_request, and resolved by its input_reply. One pending request at a time, as in
 * the protocol.
 */
export class InputBroker {
  private pending: { resolve(v: string): void; reject(e: Error): void } | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly outputs: OutputContext,
  ) {}

  request(prompt: string, password: boolean): Promise<string> {
    const target = this.outputs.current();
    if (!target || !target.allowStdin) return Promise.reject(new StdinNotAllowedError());
    this.cancel();
    return new Promise<string>((resolve, reject) => {
      this.pending = { resolve, reject };
      void this.outbox.ask(target.identities, "input_request", { prompt, password }, target.parent);
    });
  }

  reply(value: string): void {
    const p = this.pending;
    this.pending = undefined;
    p?.resolve(value);
  }

  cancel(): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(new InputInterruptedError());
  }
}
