import { writeSync } from "node:fs";

/**
 * Kernel diagnostics go straight to file descriptor 2: process.stdout/stderr are captured and
 * sent to the notebook while cells run, and the Jupyter server logs the kernel's real stderr.
 */
export type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const threshold = order[(process.env.SLUICE_LOG_LEVEL as Level | undefined) ?? "info"] ?? 1;

export function log(level: Level, message: string, context: Record<string, unknown> = {}): void {
  if (order[level] < threshold) return;
  const ctx = Object.keys(context).length ? " " + JSON.stringify(context) : "";
  try {
    writeSync(2, `[sluice ${level}] ${message}${ctx}\n`);
  } catch {
    // fd 2 closed (the server went away): there is nowhere left to report to.
  }
}
