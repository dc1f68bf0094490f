import type { Collector, DataStream, KeyedCoProcessFunction, KeyedProcessContext } from "../../../engine/src/index.js";
import type { Auction, NexmarkEvent, Person } from "../../../engine/src/connectors/nexmark/index.js";
import { auctions, handlesPerSubtask, persons, type NexmarkQuery } from "./common.js";

export interface Q3Row {
  name: string;
  city: string;
  state: string;
  id: number;
}

type Seller = Pick<Person, "name" | "city" | "state">;

/**
 * The incremental join of q3, keyed by person id = auction seller. Like Flink SQL's regular join it
 * keeps both sides: the (filtered) person, and auctions whose seller has not appeared yet — Nexmark
 * lets an auction name a seller up to 10 ids ahead, and the join must not miss those pairs.
 */
class SellerJoin implements KeyedCoProcessFunction<number, Auction, Person, Q3Row> {
  private readonly state = handlesPerSubtask((s) => ({ person: s.getState<Seller>("person"), waiting: s.getListState<number>("auctions") }));

  processElement1(a: Auction, ctx: KeyedProcessContext<number>, out: Collector<Q3Row>): void {
    const { person, waiting } = this.state(ctx);
    const p = person.value();
    if (p === undefined) waiting.add(a.id);
    else out.collect({ name: p.name, city: p.city, state: p.state, id: a.id });
  }

  processElement2(p: Person, ctx: KeyedProcessContext<number>, out: Collector<Q3Row>): void {
    const { person, waiting } = this.state(ctx);
    person.update({ name: p.name, city: p.city, state: p.state });
    for (const id of waiting.get()) out.collect({ name: p.name, city: p.city, state: p.state, id });
    waiting.clear();
  }
}

/**
 * q3 local item suggestion: `SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON
 * A.seller = P.id WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA')`.
 */
export const q3: NexmarkQuery<Q3Row> = {
  name: "q3",
  description: "local item suggestion (incremental join persons/auctions)",
  build: (events: DataStream<NexmarkEvent>) => {
    const a = auctions(events).filter((x) => x.category === 10);
    const p = persons(events).filter((x) => x.state === "OR" || x.state === "ID" || x.state === "CA");
    return a
      .connect(p)
      .keyBy(
        (x) => x.seller,
        (x) => x.id,
      )
      .process(new SellerJoin())
      .name("q3.join");
  },
  check: (r) => r.id,
};
