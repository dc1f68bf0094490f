import { DEFAULT_NEXMARK_CONFIG, FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, type Auction, type Bid, type NexmarkConfig, type NexmarkEvent, type Person } from "./model.js";
import { NexmarkRandom } from "./NexmarkRandom.js";
import { price } from "./prices.js";
import {
  type ChannelTables,
  channels,
  type ExtraLength,
  extraLength,
  FIRST_NAMES,
  HOT_CHANNELS,
  LAST_NAMES,
  nextCreditCard,
  nextExtra,
  nextExtraOf,
  nextString,
  US_CITIES,
  US_STATES,
} from "./strings.js";

/** Ahead-of-time ids a non-hot pick may use, so some bids/auctions precede their auction/person (Nexmark). */
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
/** Hot ids change every this many auctions / people. */
const HOT_AUCTION_RATIO = 100;
const HOT_SELLER_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const NUM_CATEGORIES = 5;
const HOT_CHANNELS_RATIO = 2;
/** The size Nexmark counts for a bid's fields before its padding. */
const BID_FIXED_SIZE = 32;

/**
 * Nexmark's event model as a pure function of the event number: `event(n)` is person, auction or bid
 * by `n % (1 + 3 + 46)`, with the id arithmetic, hot sellers/bidders/auctions, prices, auction lengths
 * and string sizes of the public generator (nexmark/nexmark `generator/`, Beam's `NexmarkUtils`),
 * re-implemented here. Differences on purpose:
 * - randomness is seeded per event (see `NexmarkRandom`) instead of one unseeded stream per split;
 * - a bid's bidder gets FIRST_PERSON_ID added once (the Flink suite's generator adds it twice, so its
 *   bidders never match a person id; Beam adds it once);
 * - event time is `baseTime + floor(n · 1000 / eventsPerSecond)`, integer arithmetic only.
 * Events are in event-time order; there is no out-of-order jitter (Nexmark's default group size 1).
 */
export class NexmarkGenerator {
  readonly config: Readonly<NexmarkConfig>;
  private readonly total: number;
  private readonly rng = new NexmarkRandom();
  private readonly auctionHorizonEvents: number;
  /** A bid's padding lengths: the same for every bid (its other fields' size is fixed). */
  private readonly bidExtra: ExtraLength | undefined;
  /** `channels()`, kept once built (built on the first bid, not when a source is merely declared). */
  private channelTables: ChannelTables | undefined;

  constructor(config: Partial<NexmarkConfig> = {}) {
    this.config = { ...DEFAULT_NEXMARK_CONFIG, ...config };
    const c = this.config;
    for (const [name, value] of Object.entries(c)) {
      if (typeof value !== "number" || !Number.isFinite(value)) throw new RangeError(`nexmark ${name} must be a finite number, got ${String(value)}`);
    }
    if (!(c.eventsPerSecond > 0)) throw new RangeError(`eventsPerSecond must be > 0, got ${c.eventsPerSecond}`);
    if (c.personProportion < 1 || c.auctionProportion < 1 || c.bidProportion < 1) throw new RangeError("every Nexmark proportion must be >= 1");
    this.total = c.personProportion + c.auctionProportion + c.bidProportion;
    // Events until numInFlightAuctions more auctions exist: the horizon of an auction's length.
    this.auctionHorizonEvents = Math.floor((c.numInFlightAuctions * this.total) / c.auctionProportion);
    this.bidExtra = extraLength(BID_FIXED_SIZE, c.avgBidByteSize);
  }

  /** Event time of event `n`. */
  timestampOf(n: number): number {
    return this.config.baseTime + Math.floor((n * 1000) / this.config.eventsPerSecond);
  }

  /** Event number `n` (0-based), the same on every call and in every process. */
  event(n: number): NexmarkEvent {
    const { rng, config } = this;
    rng.reset(config.seed, n);
    const ts = this.timestampOf(n);
    // Once per event rather than in every id helper: a division and a modulo each were a tenth of a bid.
    const epoch = Math.floor(n / this.total);
    const offset = n - epoch * this.total;
    if (offset < config.personProportion) return this.person(epoch, offset, ts);
    if (offset < config.personProportion + config.auctionProportion) return this.auction(n, epoch, offset, ts);
    return this.bid(epoch, offset, ts);
  }

  /** Last person id (base 0) generated at or before event `n`. */
  lastBase0PersonId(n: number): number {
    const epoch = Math.floor(n / this.total);
    return this.lastPerson(epoch, n - epoch * this.total);
  }

  /** Last auction id (base 0) generated at or before event `n` (-1 before the first). */
  lastBase0AuctionId(n: number): number {
    const epoch = Math.floor(n / this.total);
    return this.lastAuction(epoch, n - epoch * this.total);
  }

  /** `lastBase0PersonId` of the event at `offset` in `epoch` (a run of person, auction and bid proportions). */
  private lastPerson(epoch: number, offset: number): number {
    const { personProportion } = this.config;
    return epoch * personProportion + (offset >= personProportion ? personProportion - 1 : offset);
  }

  /** `lastBase0AuctionId` of the event at `offset` in `epoch`. */
  private lastAuction(epoch: number, offset: number): number {
    const { personProportion, auctionProportion } = this.config;
    if (offset < personProportion) return (epoch - 1) * auctionProportion + auctionProportion - 1;
    if (offset >= personProportion + auctionProportion) return epoch * auctionProportion + auctionProportion - 1;
    return epoch * auctionProportion + offset - personProportion;
  }

  /** A random recently active person (base 0), possibly a few ids ahead of the last one. */
  private nextBase0PersonId(epoch: number, offset: number): number {
    const numPeople = this.lastPerson(epoch, offset) + 1;
    const active = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - active + this.rng.nextInt(active + PERSON_ID_LEAD);
  }

  /** A random in-flight auction (base 0), possibly a few ids ahead of the last one. */
  private nextBase0AuctionId(epoch: number, offset: number): number {
    const last = this.lastAuction(epoch, offset);
    const min = Math.max(last - this.config.numInFlightAuctions, 0);
    return min + this.rng.nextInt(last - min + 1 + AUCTION_ID_LEAD);
  }

  /** Nexmark's price: round(100 · 10^(6u)) for u uniform in [0, 1), i.e. log-uniform from $1 to $1M in cents (`prices.ts`). */
  private nextPrice(): number {
    return price(this.rng.nextBits());
  }

  private person(epoch: number, offset: number, ts: number): Person {
    const rng = this.rng;
    const id = this.lastPerson(epoch, offset) + FIRST_PERSON_ID;
    const name = `${FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)]!} ${LAST_NAMES[rng.nextInt(LAST_NAMES.length)]!}`;
    const emailAddress = `${nextString(rng, 7)}@${nextString(rng, 5)}.com`;
    const creditCard = nextCreditCard(rng);
    const city = US_CITIES[rng.nextInt(US_CITIES.length)]!;
    const state = US_STATES[rng.nextInt(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(rng, size, this.config.avgPersonByteSize);
    return { type: "person", id, name, emailAddress, creditCard, city, state, dateTime: ts, extra };
  }

  private auction(n: number, epoch: number, offset: number, ts: number): Auction {
    const rng = this.rng;
    const c = this.config;
    const id = this.lastAuction(epoch, offset) + FIRST_AUCTION_ID;
    const seller = (rng.nextInt(c.hotSellersRatio) > 0 ? Math.floor(this.lastPerson(epoch, offset) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO : this.nextBase0PersonId(epoch, offset)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + rng.nextInt(NUM_CATEGORIES);
    const initialBid = this.nextPrice();
    // Lengths average the time until numInFlightAuctions more auctions exist.
    const horizon = this.timestampOf(n + this.auctionHorizonEvents) - ts;
    const expires = ts + 1 + rng.nextInt(Math.max(horizon * 2, 1));
    const itemName = nextString(rng, 20);
    const description = nextString(rng, 100);
    const reserve = initialBid + this.nextPrice();
    const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
    const extra = nextExtra(rng, size, c.avgAuctionByteSize);
    return { type: "auction", id, itemName, description, initialBid, reserve, dateTime: ts, expires, seller, category, extra };
  }

  private bid(epoch: number, offset: number, ts: number): Bid {
    const rng = this.rng;
    const c = this.config;
    const auction =
      (rng.nextInt(c.hotAuctionRatio) > 0 ? Math.floor(this.lastAuction(epoch, offset) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO : this.nextBase0AuctionId(epoch, offset)) + FIRST_AUCTION_ID;
    const bidder =
      (rng.nextInt(c.hotBiddersRatio) > 0 ? Math.floor(this.lastPerson(epoch, offset) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1 : this.nextBase0PersonId(epoch, offset)) + FIRST_PERSON_ID;
    const price = this.nextPrice();
    let channel: string;
    let url: string;
    const tables = (this.channelTables ??= channels());
    if (rng.nextInt(HOT_CHANNELS_RATIO) > 0) {
      const i = rng.nextInt(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = tables.hotUrls[i]!;
    } else {
      const i = rng.nextInt(tables.channels.length);
      channel = tables.channels[i]!;
      url = tables.urls[i]!;
    }
    const extra = nextExtraOf(rng, this.bidExtra);
    return { type: "bid", auction, bidder, price, channel, url, dateTime: ts, extra };
  }
}
