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
  // biome-ignore lint/suspicious/noExplicitAny: an edge carries records of its producer's type, which the graph does not track
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
  /** A window aggregate that may run in two phases where its keyed input crosses subtasks (graph/preAggregation.ts). */
  readonly preAggregation?: PreAggregation;
}

/**
 * The two phases of a window aggregate whose accumulators merge: `local` folds the input's records per window
 * (or slice) and key in the input's subtasks and sends partials `[start, end, key, accumulator]`; `global`, the
 * window operator over those partials, runs in the window's place and keeps the same state as one phase.
 */
export interface PreAggregation {
  readonly local: OperatorFactory;
  readonly global: OperatorFactory;
}

/**
 * The transformations declared on one environment. Nodes are held weakly: a notebook declares and
 * executes job after job on one long-lived environment, and each job's source (its data) and sinks
 * (their collected output) must become garbage with the job, not stay reachable from the graph. A
 * node stays alive while something can still use it: a `DataStream` a cell holds, a sink not yet
 * executed, a node downstream of it (which holds its inputs), or a running job's plan.
 */
export class StreamGraph {
  private readonly nodes = new Map<number, WeakRef<StreamNode>>();
  /** Each node's input nodes, alive as long as the node is (an ephemeron: weak key, strong value). */
  private readonly upstream = new WeakMap<StreamNode, StreamNode[]>();
  private readonly collected = new FinalizationRegistry<number>((id) => this.nodes.delete(id));
  /** Sinks declared since the last `execute()`: held until a job takes them. */
  private pending: StreamNode[] = [];
  private nextId = 1;

  add(spec: Omit<StreamNode, "id" | "uid" | "parallelism" | "maxParallelism" | "errorPolicy"> & Partial<Pick<StreamNode, "parallelism">>): StreamNode {
    const node: StreamNode = { uid: undefined, maxParallelism: undefined, errorPolicy: undefined, parallelism: undefined, ...spec, id: this.nextId++ };
    this.upstream.set(
      node,
      node.inputs.map((e) => this.get(e.from)),
    );
    this.nodes.set(node.id, new WeakRef(node));
    this.collected.register(node, node.id);
    if (node.kind === "sink") this.pending.push(node);
    return node;
  }

  get(id: number): StreamNode {
    const node = this.nodes.get(id)?.deref();
    if (node === undefined) throw new RangeError(`No stream node ${id}`);
    return node;
  }

  /** The nodes still alive (see above), in declaration order. */
  all(): StreamNode[] {
    return [...this.nodes.values()].flatMap((ref) => ref.deref() ?? []);
  }

  /**
   * Sinks declared since the last `execute()`, handed over once. Other nodes stay while referenced:
   * they are configuration, so a later job may reuse a stream declared in an earlier cell (each job
   * instantiates its own readers, operators and writers), while re-running `execute()` never re-runs
   * old sinks.
   */
  /** The sinks `takePendingSinks` would hand over, left in place (for `env.explain()`). */
  pendingSinks(): readonly StreamNode[] {
    return this.pending;
  }

  takePendingSinks(): StreamNode[] {
    const sinks = this.pending;
    this.pending = [];
    return sinks;
  }
}
