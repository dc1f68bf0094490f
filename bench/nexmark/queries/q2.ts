import type { DataStream } from "../../../engine/src/index.js";
import type { NexmarkEvent } from "../../../engine/src/connectors/nexmark/index.js";
import { bids, type NexmarkQuery } from "./common.js";

export interface Q2Row {
  auction: number;
  price: number;
}

/** q2 selection: `SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0`. */
export const q2: NexmarkQuery<Q2Row> = {
  name: "q2",
  description: "selection (bids of every 123rd auction)",
  build: (events: DataStream<NexmarkEvent>) =>
    bids(events)
      .filter((b) => b.auction % 123 === 0)
      .map((b): Q2Row => ({ auction: b.auction, price: b.price })),
  check: (r) => r.auction + r.price,
};
