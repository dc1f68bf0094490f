import type { OutputTag } from "../api/OutputTag.js";
import type { Partitioning } from "../graph/StreamGraph.js";
import type { Output } from "../operators/Operator.js";
import { type Channel, MAX_PRESIZED, RouteTargets } from "./Channel.js";
import type { RecordBatch, StreamElement } from "./StreamElement.js";
import { type KeyRouteLoop, keyRouteLoop } from "./keyRouteLoop.js";

/** One outgoing edge of a subtask: the channels to every consumer subtask it can reach. */
export interface OutEdge {
  readonly tagId: string | undefined;
  readonly partitioning: Partitioning;
  /** Indexed by consumer subtask for hash/rebalance/broadcast; a single channel for forward/global. */
  readonly channels: readonly Channel[];
  readonly maxParallelism: number;
  /** Reports a key selector failure (the consumer's keyBy); throws under the `fail` policy. */
  readonly keyError: (cause: unknown, value: unknown, timestamp: number) => void;
}

class BatchBuilder {
  values: unknown[] = [];
  timestamps: number[] = [];
  readonly done: RecordBatch[] = [];

  close(): void {
    if (this.values.length > 0) {
      this.done.push({ values: this.values, timestamps: this.timestamps });
      this.values = [];
      this.timestamps = [];
    }
  }
}

/**
 * Collects what an operator emits during one step and, on `flush`, partitions it into the channels.
 * Batches are built per step, so a step that maps 1000 records sends one batch, not 1000 messages.
 */
export class OutputRouter<OUT> implements Output<OUT> {
  private readonly main = new BatchBuilder();
  private readonly side = new Map<string, BatchBuilder>();
  private readonly edgesByTag = new Map<string | undefined, OutEdge[]>();
  private readonly allChannels: Channel[];
  /** Each hash edge's routing loop, compiled for its key selector, and the arrays it writes into (reused: only their slots change). */
  private readonly keyLoops = new Map<OutEdge, { readonly loop: KeyRouteLoop; readonly targets: RouteTargets }>();
  private roundRobin = 0;
  recordsOut = 0;

  constructor(edges: readonly OutEdge[]) {
    for (const edge of edges) {
      const list = this.edgesByTag.get(edge.tagId) ?? [];
      list.push(edge);
      this.edgesByTag.set(edge.tagId, list);
      if (edge.partitioning.kind === "hash") this.keyLoops.set(edge, { loop: keyRouteLoop(edge.partitioning.keySelector), targets: new RouteTargets(edge.channels.length) });
    }
    this.allChannels = [...new Set(edges.flatMap((e) => e.channels))];
  }

  /** True when every output channel can take more; producers only run then (back-pressure). */
  hasRoom(): boolean {
    const channels = this.allChannels;
    for (let i = 0; i < channels.length; i++) if (!channels[i]!.hasRoom) return false;
    return true;
  }

  emit(value: OUT, timestamp: number): void {
    this.main.values.push(value);
    this.main.timestamps.push(timestamp);
  }

  emitBatch(values: readonly OUT[], timestamps: readonly number[]): void {
    if (values.length === 0) return;
    this.main.close();
    this.main.done.push({ values, timestamps });
  }

  emitSide<S>(tag: OutputTag<S>, value: S, timestamp: number): void {
    // Side outputs nobody consumes are dropped here; dead letters are also kept by the job itself.
    if (!this.edgesByTag.has(tag.id)) return;
    let builder = this.side.get(tag.id);
    if (builder === undefined) {
      builder = new BatchBuilder();
      this.side.set(tag.id, builder);
    }
    builder.values.push(value);
    builder.timestamps.push(timestamp);
  }

  /** Sends everything emitted since the last flush. */
  flush(): void {
    const main = this.main;
    main.close();
    if (main.done.length > 0) {
      const edges = this.edgesByTag.get(undefined);
      for (const batch of main.done) {
        this.recordsOut += batch.values.length;
        if (edges !== undefined) for (const edge of edges) this.route(batch, edge);
      }
      main.done.length = 0;
    }
    if (this.side.size > 0) {
      for (const [tagId, builder] of this.side) {
        builder.close();
        const edges = this.edgesByTag.get(tagId)!;
        for (const batch of builder.done) for (const edge of edges) this.route(batch, edge);
        builder.done.length = 0;
      }
    }
  }

  /** Control elements go to every channel of every edge (main and side outputs alike). */
  broadcast(element: StreamElement): void {
    this.flush();
    for (const channel of this.allChannels) channel.push(element);
  }

  private route(batch: RecordBatch, edge: OutEdge): void {
    const channels = edge.channels;
    if (channels.length === 1) {
      channels[0]!.push({ kind: "records", batch });
      return;
    }
    switch (edge.partitioning.kind) {
      case "broadcast":
        for (const channel of channels) channel.push({ kind: "records", batch });
        return;
      case "rebalance":
        // Whole batches round-robin: zero-copy, and even enough at batch granularity.
        channels[this.roundRobin++ % channels.length]!.push({ kind: "records", batch });
        return;
      case "hash":
        this.routeByKey(batch, edge);
        return;
      default:
        channels[0]!.push({ kind: "records", batch });
    }
  }

  private routeByKey(batch: RecordBatch, edge: OutEdge): void {
    const { channels, maxParallelism } = edge;
    const selector = (edge.partitioning as { keySelector: (v: unknown) => unknown }).keySelector;
    const n = channels.length;
    const { loop, targets } = this.keyLoops.get(edge)!;
    const vs = batch.values;
    const ts = batch.timestamps;
    const failed = (i: number, cause: unknown) => edge.keyError(cause, vs[i], ts[i]!);
    for (let from = 0; from < vs.length; from += MAX_PRESIZED) {
      const to = Math.min(vs.length, from + MAX_PRESIZED);
      for (let t = 0; t < n; t++) channels[t]!.beginRecords(targets, t, to - from);
      // A throw (the `fail` policy) ends the batch before this part's `endRecords`: nothing of the part is sent, as before for the batch.
      loop(selector, vs, ts, from, to, targets.values, targets.timestamps, targets.at, maxParallelism, n, failed);
      for (let t = 0; t < n; t++) channels[t]!.endRecords(targets, t);
    }
  }
}
