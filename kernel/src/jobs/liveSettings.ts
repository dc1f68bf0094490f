/**
 * How often live views may update. Default 250 ms (at most 4 updates a second per view), so a
 * job at 100k events/s never floods iopub or the browser. Cells change it with
 * `liveUpdates.intervalMs = 500`; SLUICE_LIVE_UPDATE_MS sets the kernel default. Module state:
 * the cells' prelude imports the same module instance as the kernel.
 */
export interface LiveUpdateSettings {
  intervalMs: number;
}

const settings: LiveUpdateSettings = { intervalMs: Number(process.env.SLUICE_LIVE_UPDATE_MS ?? 250) };

export function liveUpdateSettings(): LiveUpdateSettings {
  return settings;
}

export const liveSettings = {
  intervalMs: (): number => Math.max(50, liveUpdateSettings().intervalMs),
};
