/**
 * Something a host can show and keep up to date, such as a live chart sink: a mime bundle
 * (`{ "application/vnd.vegalite.v5+json": spec, "text/plain": "…" }`) plus change notifications.
 * The engine knows nothing about notebooks; a kernel shows a LiveView under a stable id and
 * re-renders it, at a rate it chooses, when it changes.
 */
export interface LiveView {
  readonly [LIVE_VIEW]: true;
  /** Stable for the view's life: hosts use it as the display id, so every copy updates together. */
  readonly viewId: string;
  /** The current rendering. */
  bundle(): Record<string, unknown>;
  /** `listener` is called after each change (possibly very often: throttle in the host). */
  subscribe(listener: () => void): () => void;
}

/** Not `Symbol.for`: the engine is loaded once per process, so its own symbol is the one. */
export const LIVE_VIEW: unique symbol = Symbol("sluice.liveView");

export function isLiveView(x: unknown): x is LiveView {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[LIVE_VIEW] === true;
}
