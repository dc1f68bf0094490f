import { randomUUID } from "node:crypto";
import { LIVE_VIEW, LiveView } from "../live/LiveView.js";
import type { Sink, SinkWriter } from "../sinks/Sink.js";
import { PointStore } from "./PointStore.js";

/** Renders the current points of a view as a mime bundle. */
export type Render = (points: Record<string, unknown>[]) => Record<string, unknown>;

/**
 * A sink that is also a live view: every sink subtask writes into one bounded point store, and
 * subscribers hear about each batch. The rendering (chart spec, table) is supplied by the factory.
 */
export class ChartSink<T> implements Sink<T>, LiveView {
  readonly [LIVE_VIEW] = true as const;
  readonly viewId = `sluice-view-${randomUUID()}`;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    private readonly store: PointStore<Record<string, unknown>>,
    private readonly toPoint: (record: T) => Record<string, unknown>,
    private readonly identify: (record: T) => unknown,
    private readonly render: Render,
  ) {}

  createWriter(): SinkWriter<T> {
    return {
      write: (values) => {
        for (const v of values) this.store.upsert(this.identify(v), this.toPoint(v));
        this.store.trim();
        for (const l of this.listeners) l();
      },
    };
  }

  bundle(): Record<string, unknown> {
    return this.render(this.store.values());
  }

  /** The points currently shown. */
  get data(): Record<string, unknown>[] {
    return this.store.values();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Shown as itself when a cell ends with it (the kernel's display protocol). */
  [Symbol.for("Jupyter.display")](): Record<string, unknown> {
    return this.bundle();
  }
}
