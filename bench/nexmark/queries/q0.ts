import type { DataStream } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, type NexmarkQuery } from "./common.js";

export interface Q0Row {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  extra: string;
}

/** q0 pass-through: `SELECT auction, bidder, price, dateTime, extra FROM bid` — the cost of reading and moving events. */
export const q0: NexmarkQuery<Q0Row> = {
  name: "q0",
  description: "pass-through (projection of bids)",
  build: (events: DataStream<NexmarkEvent>) => bids(events).map((b): Q0Row => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra })),
  check: (r) => r.auction + r.bidder + r.price,
};
