/**
 * Nexmark's three event types (an online auction site), with the field names of the public
 * definitions (nexmark/nexmark `ddl_views.sql`, Beam's `sdks/java/testing/nexmark` model). Times are
 * epoch ms. Ids and prices are integers well below 2^53, so plain numbers hold them exactly.
 */

export interface Person {
  readonly type: "person";
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

export interface Auction {
  readonly type: "auction";
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

export interface Bid {
  readonly type: "bid";
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** One generated event; `type` tells which. */
export type NexmarkEvent = Person | Auction | Bid;

/**
 * Generator settings. Defaults are those of the nexmark/nexmark Flink suite (`NexmarkConfiguration`),
 * except `eventsPerSecond`, which that suite sets per run (`TPS`).
 */
export interface NexmarkConfig {
  /** Same seed, same events. Default 42. */
  seed: number;
  /** Event-time density: events per second of event time (Nexmark's `firstEventRate`). Default 10,000. */
  eventsPerSecond: number;
  /** Event time of event 0, epoch ms. Default 2023-11-14T22:13:20Z, fixed so runs are reproducible. */
  baseTime: number;
  personProportion: number;
  auctionProportion: number;
  bidProportion: number;
  avgPersonByteSize: number;
  avgAuctionByteSize: number;
  avgBidByteSize: number;
  /** 1 - 1/ratio of bids go to the current hot auction. */
  hotAuctionRatio: number;
  /** 1 - 1/ratio of auctions are by the current hot seller. */
  hotSellersRatio: number;
  /** 1 - 1/ratio of bids are by the current hot bidder. */
  hotBiddersRatio: number;
  /** Auctions a non-hot bid may pick from (the most recent ones). */
  numInFlightAuctions: number;
  /** People a non-hot seller or bidder is picked from (the most recent ones). */
  numActivePeople: number;
}

export const DEFAULT_NEXMARK_CONFIG: Readonly<NexmarkConfig> = Object.freeze({
  seed: 42,
  eventsPerSecond: 10_000,
  baseTime: 1_700_000_000_000,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
});

/** Ids start here so that queries find matches even in small runs (Nexmark's convention). */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
