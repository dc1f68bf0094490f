import { log } from "../log.js";

/** The part of Node's internal `contextify` binding that the REPL uses around its evaluations. */
interface SigintWatchdogBinding {
  startSigintWatchdog(): void;
  /** Returns (and forgets) whether a SIGINT arrived while no vm call was watching. */
  stopSigintWatchdog(): boolean;
  watchdogHasPendingSigint(): boolean;
}

const POLL_MS = 20;

/**
 * Keeps Node's SIGINT watchdog (the one behind vm's `breakOnSigint`) running for the kernel's
 * life, and calls `onSigint` for a SIGINT that arrived while no cell code was running in vm.
 *
 * Why not `process.on("SIGINT")`: each vm call with breakOnSigint starts that watchdog and stops
 * it again, swapping the process's SIGINT handler, and a SIGINT that lands in the swap kills the
 * process when a JavaScript SIGINT listener exists (measured on Node 20: a worker raising SIGINT
 * every 1 ms during short breakOnSigint calls killed it within 3 s, every run; with the watchdog
 * kept running and no listener, 3 of 3 runs lived). Interrupted cells make many such calls
 * (interruptibleAsync.ts), and the control worker raises SIGINT repeatedly, so the kernel keeps
 * the watchdog started (as Node's REPL does while it evaluates) and polls for a SIGINT it held.
 * The binding is internal (process.binding is deprecated, DEP0111); without it, the listener.
 */
export function watchSigint(onSigint: () => void): void {
  let binding: SigintWatchdogBinding | undefined;
  try {
    binding = (process as unknown as { binding(name: string): SigintWatchdogBinding }).binding("contextify");
    if (typeof binding.startSigintWatchdog !== "function") binding = undefined;
  } catch (error) {
    log("warn", "Node's SIGINT watchdog binding is not available; interrupts use a SIGINT listener", { error: String(error) });
  }
  if (!binding) {
    process.on("SIGINT", onSigint);
    return;
  }
  const watchdog = binding;
  // Started twice: a poll stops it once to clear the held SIGINT, and it must never stop for real.
  watchdog.startSigintWatchdog();
  watchdog.startSigintWatchdog();
  setInterval(() => {
    if (!watchdog.watchdogHasPendingSigint()) return;
    watchdog.stopSigintWatchdog();
    watchdog.startSigintWatchdog();
    onSigint();
  }, POLL_MS).unref();
}
