import type { Collector, DataStream, KeyedProcessContext, KeyedProcessFunction } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { handlesPerSubtask, type NexmarkQuery } from "./common.js";
import { winningBids, type WinningBid } from "./winningBids.js";

export interface Q4Row {
  /** The category (SQL's output column `id`). */
  id: number;
  /** Average winning price of the category's closed auctions so far (SQL's `final`). */
  final: number;
}

/** Running average per category; each closed auction updates its category's row (an upsert stream). */
class CategoryAverage implements KeyedProcessFunction<number, WinningBid, Q4Row> {
  private readonly totals = handlesPerSubtask((s) => s.getState<[sum: number, count: number]>("totals"));

  processElement(w: WinningBid, ctx: KeyedProcessContext<number>, out: Collector<Q4Row>): void {
    const totals = this.totals(ctx);
    const t = totals.value() ?? [0, 0];
    t[0] += w.price;
    t[1] += 1;
    totals.update(t);
    out.collect({ id: w.category, final: t[0] / t[1] });
  }
}

/**
 * q4 average price per category: `SELECT category, AVG(final) FROM (SELECT MAX(B.price) AS final,
 * A.category FROM auction A, bid B WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND
 * A.expires GROUP BY A.id, A.category) GROUP BY category`. The latest row per category is the answer.
 */
export const q4: NexmarkQuery<Q4Row> = {
  name: "q4",
  description: "average winning price per category",
  build: (events: DataStream<NexmarkEvent>) =>
    winningBids(events)
      .keyBy((w) => w.category)
      .process(new CategoryAverage())
      .name("q4.average"),
  // The sequence of updates per category depends on arrival order at parallelism > 1; their number does not.
  check: (r) => r.id,
};
