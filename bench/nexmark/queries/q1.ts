import type { DataStream } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, type NexmarkQuery } from "./common.js";

export interface Q1Row {
  auction: number;
  bidder: number;
  /** Euros, 3 decimals: `price * 908 / 1000` is the nearest double to SQL's DECIMAL `0.908 * price`. */
  price: number;
  dateTime: number;
  extra: string;
}

/** q1 currency conversion: `SELECT auction, bidder, 0.908 * price, dateTime, extra FROM bid`. */
export const q1: NexmarkQuery<Q1Row> = {
  name: "q1",
  description: "currency conversion (dollar to euro)",
  build: (events: DataStream<NexmarkEvent>) => bids(events).map((b): Q1Row => ({ auction: b.auction, bidder: b.bidder, price: (b.price * 908) / 1000, dateTime: b.dateTime, extra: b.extra })),
  check: (r) => Math.round(r.price * 1000),
};
