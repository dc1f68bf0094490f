import { DISPLAY, type MimeBundle } from "../display/mimeBundle.js";
import type { CellOutcome } from "../execute/cellRunner.js";
import type { MagicCall } from "./magicParser.js";

/** What a magic may use from the kernel: variables of the cells, and interrupt. */
export interface MagicEnv {
  /** The value of a variable declared in an earlier cell; `found: false` if there is none. */
  lookup(name: string): { found: boolean; value?: unknown };
  /** Declares a typed variable for later cells, as if a cell had declared it. */
  assign(name: string, value: unknown, tsType: string): Promise<void>;
  /** Runs `onInterrupt` if the user interrupts before `work` settles. */
  interruptible<T>(work: () => Promise<T>, onInterrupt: () => void): Promise<T>;
  source: string;
  executionCount: number;
}

export type MagicHandler = (call: MagicCall, env: MagicEnv) => Promise<CellOutcome>;

/** A magic's result shown as `bundle` (the cell's execute_result). */
export function shown(bundle: MimeBundle): CellOutcome {
  return { status: "ok", result: { value: { [DISPLAY]: () => bundle } } };
}

export class MagicUsageError extends Error {
  override name = "UsageError";
}
