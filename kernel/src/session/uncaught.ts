import { log } from "../log.js";
import type { CellRunner } from "../execute/cellRunner.js";
import type { Outbox } from "./outbox.js";
import type { OutputContext } from "./outputContext.js";

/**
 * An exception from user code that escapes the cell (a timer, a callback, a rejected promise
 * nobody awaited) is shown as an error in the cell that started that code, and the kernel
 * keeps running: a notebook must never die because a callback threw.
 */
export function reportUncaught(runner: CellRunner, outbox: Outbox, outputs: OutputContext): void {
  const report = (kind: string) => (thrown: unknown) => {
    log("warn", `${kind} from user code`, { error: thrown instanceof Error ? thrown.stack : String(thrown) });
    const target = outputs.current();
    if (!target) return;
    const error = runner.describe(thrown);
    void outbox.publish("error", { ...error, traceback: [`(${kind}, after the cell finished or outside it)`, ...error.traceback] }, target.parent);
  };
  process.on("uncaughtException", report("uncaught exception"));
  process.on("unhandledRejection", report("unhandled promise rejection"));
}
