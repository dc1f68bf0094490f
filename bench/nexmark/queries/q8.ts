import { TumblingEventTimeWindows } from "../../../engine/src/index.js";
import type { AggregateFunction, DataStream } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { auctions, persons, TEN_SECONDS, type NexmarkQuery } from "./common.js";

export interface Q8Row {
  id: number;
  name: string;
  /** Window start. */
  stime: number;
}

/** A person (with name) or an auction by seller `id` (name null), so both sides fit one keyed window. */
interface Side {
  id: number;
  name: string | null;
}

/** Whether the window saw the person and at least one of their auctions. */
const personAndAuction: AggregateFunction<Side, { name: string | null; sold: boolean }, { name: string | null; sold: boolean }> = {
  createAccumulator: () => ({ name: null, sold: false }),
  add: (s, acc) => {
    if (s.name === null) acc.sold = true;
    else acc.name = s.name;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({ name: a.name ?? b.name, sold: a.sold || b.sold }),
};

/**
 * q8 monitor new users: people who created an auction in the same 10 s tumbling window in which they
 * registered. The SQL joins per-window distinct persons with per-window distinct sellers; this is the
 * same window join computed incrementally (one flag per person and window instead of buffered rows).
 */
export const q8: NexmarkQuery<Q8Row> = {
  name: "q8",
  description: "new users who sold within their first window (window join)",
  build: (events: DataStream<NexmarkEvent>) => {
    const people = persons(events).map((p): Side => ({ id: p.id, name: p.name }));
    const sellers = auctions(events).map((a): Side => ({ id: a.seller, name: null }));
    return people
      .union(sellers)
      .keyBy((s) => s.id)
      .window(TumblingEventTimeWindows.of(TEN_SECONDS))
      .aggregate(personAndAuction, (id, ctx, [acc], out) => {
        if (acc!.name !== null && acc!.sold) out.collect({ id, name: acc!.name, stime: ctx.window.start });
      });
  },
  check: (r) => r.id,
};
