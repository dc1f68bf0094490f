/**
 * Displays whose content lives elsewhere and is asked for again on a timer: the card of a job on a
 * Flink cluster, read from the JobManager's REST API. Each is updated in place (one display id, as
 * the embedded jobs' cards) until its job reaches a final state, then keeps that state; a refresh
 * that fails ends the updates with the reason on the card rather than polling a gone cluster.
 */
import type { MimeBundle } from "../display/mimeBundle.js";
import { escapeHtml } from "../display/html.js";
import { log } from "../log.js";
import type { Header } from "../wire/messages.js";

export interface PolledState {
  bundle: MimeBundle;
  /** The job reached a final state: this is the last update. */
  final: boolean;
}

export type Publish = (bundle: MimeBundle, displayId: string, parent: Header, update: boolean) => void;

/** Flink's own dashboard refreshes every 3 s (`web.refresh-interval`); a card asks no more often. */
export const FLINK_REFRESH_MS = 3000;

export class PolledDisplays {
  private readonly stops = new Set<() => void>();

  constructor(
    private readonly publish: Publish,
    private readonly intervalMs: () => number = () => FLINK_REFRESH_MS,
  ) {}

  /** Shows `first` in the cell of `parent` and refreshes it until `refresh` says final or fails. */
  start(first: PolledState, parent: Header, refresh: () => Promise<PolledState>, what: string): void {
    const id = `sluice-polled-${Math.random().toString(36).slice(2, 10)}`;
    this.publish(first.bundle, id, parent, false);
    if (first.final) return;
    let last = first.bundle;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      this.stops.delete(stop);
    };
    const tick = async () => {
      let next: PolledState;
      try {
        next = await refresh();
      } catch (error) {
        if (stopped) return;
        stop();
        const reason = error instanceof Error ? error.message : String(error);
        log("warn", "stopped refreshing a display", { what, error: reason });
        this.publish(withNote(last, `no longer refreshed: ${reason} (run the cell again to retry)`), id, parent, true);
        return;
      }
      if (stopped) return;
      last = next.bundle;
      this.publish(next.bundle, id, parent, true);
      if (next.final) return stop();
      schedule();
    };
    const schedule = () => {
      timer = setTimeout(() => void tick(), this.intervalMs());
      timer.unref();
    };
    this.stops.add(stop);
    schedule();
  }

  /** The kernel shuts down or restarts: no display is refreshed any more (each keeps its last state). */
  stopAll(): void {
    for (const stop of [...this.stops]) stop();
  }

  get active(): number {
    return this.stops.size;
  }
}

function withNote(bundle: MimeBundle, note: string): MimeBundle {
  const out: MimeBundle = { ...bundle, "text/plain": `${String(bundle["text/plain"] ?? "")}\n${note}` };
  if (typeof bundle["text/html"] === "string") out["text/html"] = `${bundle["text/html"]}<div class="sluice-note" style="color:#b45309">${escapeHtml(note)}</div>`;
  return out;
}
