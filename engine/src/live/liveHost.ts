import type { JobHandle } from "../runtime/JobHandle.js";

/**
 * Whatever shows jobs to a person (the notebook kernel). The engine only asks it to show a job;
 * how is the host's business. Kept on globalThis so every copy of the engine finds it.
 */
export interface LiveHost {
  show(job: JobHandle): void;
}

const KEY = Symbol.for("sluice.liveHost");

export function setLiveHost(host: LiveHost | undefined): void {
  (globalThis as Record<symbol, unknown>)[KEY] = host;
}

export function liveHost(): LiveHost | undefined {
  return (globalThis as Record<symbol, LiveHost | undefined>)[KEY];
}
