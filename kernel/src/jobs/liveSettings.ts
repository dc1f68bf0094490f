/**
 * How often live views may update. Default 250 ms (at most 4 updates a second per view), so a
 * job at 100k events/s never floods iopub or the browser. Cells change it with
 * `liveUpdates.intervalMs = 500`; SLUICE_LIVE_UPDATE_MS sets the kernel default. Module state:
 * the cells' prelude imports the same module instance as the kernel.
 */
export interface LiveUpdateSettings {
  intervalMs: number;
}

/**
 * How often live charts and job status lines may update (default every 250 ms). Cells see this
 * object; the presenter reads it through {@link liveUpdateIntervalMs}.
 *
 * @example
 * liveUpdates.intervalMs = 1000; // at most one update a second
 */
export const liveUpdates: LiveUpdateSettings = { intervalMs: Number(process.env.SLUICE_LIVE_UPDATE_MS ?? 250) };

/** The interval in force: below 50 ms a view would redraw faster than a browser can show it. */
export function liveUpdateIntervalMs(): number {
  return Math.max(50, liveUpdates.intervalMs);
}
