import { CoProcessOperator, type CoProcessFunction } from "../operators/CoProcessOperator.js";
import { KeyedProcessOperator } from "../operators/KeyedProcessOperator.js";
import type { OperatorFactory } from "../operators/Operator.js";
import type { Partitioning } from "../graph/StreamGraph.js";
import { DataStream } from "./DataStream.js";
import type { Collector, KeySelector } from "./functions.js";
import type { KeyedCoProcessFunction } from "./keyedFunctions.js";

/**
 * Two streams of possibly different types processed by one operator (Flink's `connect`).
 *
 * @example
 * const rules = env.fromArray([{ page: "/cart", limit: 5 }]);
 * views.connect(rules).map(v => ({ kind: "view", v }), r => ({ kind: "rule", r }))
 */
export class ConnectedStreams<A, B> {
  /** @internal */
  constructor(
    readonly first: DataStream<A>,
    readonly second: DataStream<B>,
  ) {}

  /** @internal */
  twoInput<R>(name: string, create: OperatorFactory, keyed: boolean, p1: Partitioning, p2: Partitioning): DataStream<R> {
    const env = this.first.env;
    const node = env.graph.add({ kind: "operator", name, inputs: [this.first.edge(0, p1), this.second.edge(1, p2)], keyed, createOperator: create });
    return new DataStream<R>(env, node);
  }

  process<R>(fn: CoProcessFunction<A, B, R>): DataStream<R> {
    return this.twoInput<R>("coProcess", (ctx) => new CoProcessOperator(fn, ctx), false, this.first.partitioning, this.second.partitioning);
  }

  map<R>(map1: (value: A) => R, map2: (value: B) => R): DataStream<R> {
    return this.process<R>({
      processElement1: (v, _c, out) => out.collect(map1(v)),
      processElement2: (v, _c, out) => out.collect(map2(v)),
    }).name("coMap");
  }

  flatMap<R>(flatMap1: (value: A, out: Collector<R>) => void, flatMap2: (value: B, out: Collector<R>) => void): DataStream<R> {
    return this.process<R>({
      processElement1: (v, _c, out) => flatMap1(v, out),
      processElement2: (v, _c, out) => flatMap2(v, out),
    }).name("coFlatMap");
  }

  /** Partitions both inputs by key so records of equal keys meet in one subtask with shared state. */
  keyBy<K>(key1: KeySelector<A, K>, key2: KeySelector<B, K>): KeyedConnectedStreams<A, B, K> {
    return new KeyedConnectedStreams(this, key1, key2);
  }
}

export class KeyedConnectedStreams<A, B, K> {
  /** @internal */
  constructor(
    private readonly connected: ConnectedStreams<A, B>,
    readonly key1: KeySelector<A, K>,
    readonly key2: KeySelector<B, K>,
  ) {}

  /** Per-key logic over both inputs with shared keyed state and timers. */
  process<R>(fn: KeyedCoProcessFunction<K, A, B, R>): DataStream<R> {
    return this.connected.twoInput<R>(
      "keyedCoProcess",
      (ctx) => new KeyedProcessOperator<K, unknown, R>(fn, [this.key1, this.key2], ctx),
      true,
      { kind: "hash", keySelector: this.key1 },
      { kind: "hash", keySelector: this.key2 },
    );
  }
}
