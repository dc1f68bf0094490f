/**
 * How often live views may update. Default 250 ms (at most 4 updates a second per view), so a
 * job at 100k events/s never floods iopub or the browser. Cells change it with
 * `liveUpdates.intervalMs = 500`; SLUICE_LIVE_UPDATE_MS sets the kernel default. Kept on
 * globalThis because cells load their own copy of the cell API module.
 */
export interface LiveUpdateSettings {
  intervalMs: number;
}

const KEY = Symbol.for("sluice.liveUpdates");

export function liveUpdateSettings(): LiveUpdateSettings {
  const g = globalThis as Record<symbol, LiveUpdateSettings | undefined>;
  return (g[KEY] ??= { intervalMs: Number(process.env.SLUICE_LIVE_UPDATE_MS ?? 250) });
}

export const liveSettings = {
  intervalMs: (): number => Math.max(50, liveUpdateSettings().intervalMs),
};
