/**
 * Names a side output: a second stream an operator can emit to, such as late data or dead letters.
 * Tags compare by `id`, so two tags with the same id are the same output.
 *
 * @example
 * const late = new OutputTag<PageView>("late-views");
 * const counts = views.keyBy(v => v.page).window(TumblingEventTimeWindows.of(Time.seconds(10)))
 *   .sideOutputLateData(late).aggregate(Aggregators.count());
 * counts.getSideOutput(late).sinkTo(sinks.console());
 */
export class OutputTag<T> {
  /** Phantom field: keeps `OutputTag<A>` and `OutputTag<B>` distinct types. Never set. */
  declare readonly __type?: (value: T) => void;
  constructor(readonly id: string) {
    if (id.length === 0) throw new RangeError("OutputTag id must not be empty");
  }
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}

/** Side output of every operator for records routed away under the `dead-letter` error policy. */
export const DEAD_LETTERS = new OutputTag<import("../operators/Operator.js").DeadLetter>("sluice.dead-letters");
