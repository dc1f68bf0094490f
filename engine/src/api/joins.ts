import type { OperatorFactory } from "../operators/Operator.js";
import { intervalJoinFunction, type ProcessJoinFunction } from "../operators/IntervalJoin.js";
import { KeyedProcessOperator } from "../operators/KeyedProcessOperator.js";
import type { Duration } from "../time/Time.js";
import type { WindowAssigner } from "../windows/WindowAssigner.js";
import { ConnectedStreams } from "./ConnectedStreams.js";
import type { DataStream } from "./DataStream.js";
import type { KeySelector } from "./functions.js";
import type { KeyedStream } from "./KeyedStream.js";
import type { OutputTag } from "./OutputTag.js";

/**
 * `left.keyBy(..).intervalJoin(right.keyBy(..)).between(lower, upper).process(fn)`: joins each left
 * record with the right records of the same key whose timestamp lies in `[left.ts + lower, left.ts + upper]`.
 *
 * @example
 * views.keyBy(v => v.userId)
 *   .intervalJoin(purchases.keyBy(p => p.userId))
 *   .between(Time.minutes(-10), Time.seconds(0))
 *   .process((view, purchase, ctx, out) => out.collect({ page: view.page, amount: purchase.amount }))
 */
export class IntervalJoin<L, R, K> {
  private leftLate: OutputTag<L> | undefined;
  private rightLate: OutputTag<R> | undefined;
  private lower = 0;
  private upper = 0;

  /** @internal */
  constructor(
    private readonly left: KeyedStream<L, K>,
    private readonly right: KeyedStream<R, K>,
  ) {}

  between(lower: Duration, upper: Duration): this {
    if (!(lower <= upper)) throw new RangeError(`lower bound ${lower} must be <= upper bound ${upper}`);
    this.lower = lower;
    this.upper = upper;
    return this;
  }

  sideOutputLeftLateData(tag: OutputTag<L>): this {
    this.leftLate = tag;
    return this;
  }

  sideOutputRightLateData(tag: OutputTag<R>): this {
    this.rightLate = tag;
    return this;
  }

  process<O>(fn: ProcessJoinFunction<L, R, O, K>): DataStream<O> {
    const { lower, upper, leftLate, rightLate } = this;
    const create: OperatorFactory = (ctx) =>
      new KeyedProcessOperator<K, unknown, O>(
        intervalJoinFunction<L, R, O, K>({ lower, upper, fn, leftLateTag: leftLate, rightLateTag: rightLate, counters: ctx.counters, where: ctx }),
        [this.left.keySelector, this.right.keySelector],
        ctx,
      );
    return new ConnectedStreams(this.left.input, this.right.input).twoInput<O>("intervalJoin", create, true, this.left.partitioning, this.right.partitioning);
  }
}

type Tagged<L, R> = { side: 0; value: L } | { side: 1; value: R };

/**
 * Window join: `a.join(b).where(keyA).equalTo(keyB).window(assigner).apply((x, y) => ...)` pairs every
 * record of `a` with every record of `b` that has an equal key and falls into the same window.
 */
export class JoinedStreams<L, R> {
  /** @internal */
  constructor(
    private readonly left: DataStream<L>,
    private readonly right: DataStream<R>,
  ) {}

  where<K>(leftKey: KeySelector<L, K>): { equalTo(rightKey: KeySelector<R, K>): JoinWithKeys<L, R, K> } {
    return { equalTo: (rightKey) => new JoinWithKeys(this.left, this.right, leftKey, rightKey) };
  }
}

export class JoinWithKeys<L, R, K> {
  /** @internal */
  constructor(
    private readonly left: DataStream<L>,
    private readonly right: DataStream<R>,
    private readonly leftKey: KeySelector<L, K>,
    private readonly rightKey: KeySelector<R, K>,
  ) {}

  window(assigner: WindowAssigner): { apply<O>(fn: (left: L, right: R) => O): DataStream<O> } {
    return {
      apply: <O>(fn: (left: L, right: R) => O): DataStream<O> =>
        this.left
          .map((value): Tagged<L, R> => ({ side: 0, value }))
          .union(this.right.map((value): Tagged<L, R> => ({ side: 1, value })))
          .keyBy((t) => (t.side === 0 ? this.leftKey(t.value) : this.rightKey(t.value)))
          .window(assigner)
          .process<O>((_key, _ctx, elements, out) => {
            const lefts: L[] = [];
            const rights: R[] = [];
            for (const e of elements) {
              if (e.side === 0) lefts.push(e.value);
              else rights.push(e.value);
            }
            for (const l of lefts) for (const r of rights) out.collect(fn(l, r));
          })
          .name("windowJoin"),
    };
  }
}
