import type { OutputTag } from "../api/OutputTag.js";
import type { Source } from "../connectors/Source.js";
import type { Sink } from "../sinks/Sink.js";
import type { ErrorPolicy, OperatorFactory } from "../operators/Operator.js";
import type { WatermarkStrategy } from "../time/WatermarkStrategy.js";

/** How records travel from the producer's subtasks to the consumer's subtasks. */
export type Partitioning =
  /** Subtask i → subtask i (becomes `rebalance` if parallelisms differ). */
  | { readonly kind: "forward" }
  /** Round-robin, record by record. */
  | { readonly kind: "rebalance" }
  /** Every record to every subtask. */
  | { readonly kind: "broadcast" }
  /** Everything to subtask 0. */
  | { readonly kind: "global" }
  /** By key group of `keySelector(record)`: all records of a key meet in one subtask. */
  | { readonly kind: "hash"; readonly keySelector: (value: any) => unknown };

export interface StreamEdge {
  readonly from: number;
  /** Undefined: the producer's main output; otherwise one of its side outputs. */
  readonly tag: OutputTag<unknown> | undefined;
  readonly partitioning: Partitioning;
  /** Which input of the consumer (0 for one-input operators, 0/1 for connected streams). */
  readonly inputIndex: number;
}

export type NodeKind = "source" | "operator" | "sink" | "dead-letters";

/**
 * One transformation declared by the API. Mutable only while the cell builds it (`name()`,
 * `uid()`, `setParallelism()` adjust the last node); frozen into a `JobPlan` by `env.execute()`.
 */
export interface StreamNode {
  readonly id: number;
  readonly kind: NodeKind;
  name: string;
  /** Stable id for matching state on restore; defaults to `${name}-${id}`. */
  uid: string | undefined;
  /** Undefined: the environment's default. */
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  errorPolicy: ErrorPolicy | undefined;
  readonly inputs: StreamEdge[];
  /** Needs a hash-partitioned input (keyed state, timers, windows). */
  readonly keyed: boolean;
  readonly source?: { readonly source: Source<unknown>; readonly strategy: WatermarkStrategy<unknown> | undefined };
  readonly createOperator?: OperatorFactory;
  /** The sink configuration of a sink node, so a running job can say what it writes to (e.g. live charts). */
  readonly sink?: Sink<unknown>;
  /**
   * An operator whose results wait for the watermark (an event-time window with an event-time
   * trigger): what it is, for the plan-time watermark check (graph/watermarkCheck.ts).
   */
  readonly needsWatermarks?: string;
  /** `assignTimestampsAndWatermarks`: watermarks downstream come from this strategy, not from upstream. */
  readonly assignsWatermarks?: WatermarkStrategy<unknown>;
  /** Upper bound imposed by the connector (source or sink). */
  readonly connectorMaxParallelism?: number;
}

/** The transformations declared on one environment. */
export class StreamGraph {
  private nodes: StreamNode[] = [];
  private nextId = 1;

  add(spec: Omit<StreamNode, "id" | "uid" | "parallelism" | "maxParallelism" | "errorPolicy"> & Partial<Pick<StreamNode, "parallelism">>): StreamNode {
    const node: StreamNode = { uid: undefined, maxParallelism: undefined, errorPolicy: undefined, parallelism: undefined, ...spec, id: this.nextId++ };
    this.nodes.push(node);
    return node;
  }

  get(id: number): StreamNode {
    const node = this.nodes.find((n) => n.id === id);
    if (node === undefined) throw new RangeError(`No stream node ${id}`);
    return node;
  }

  all(): readonly StreamNode[] {
    return this.nodes;
  }

  /**
   * Sinks declared since the last `execute()`, which are marked as taken. Nodes themselves stay: they are
   * configuration, so a later job may reuse a stream declared in an earlier cell (each job instantiates
   * its own readers, operators and writers), while re-running `execute()` never re-runs old sinks.
   */
  takePendingSinks(): StreamNode[] {
    const sinks = this.nodes.filter((n) => n.kind === "sink" && !this.executedSinks.has(n.id));
    for (const sink of sinks) this.executedSinks.add(sink.id);
    return sinks;
  }

  private readonly executedSinks = new Set<number>();
}
