import { DEFAULT_NEXMARK_CONFIG, FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, type Auction, type Bid, type NexmarkConfig, type NexmarkEvent, type Person } from "./model.js";
import { Events } from "./events.js";
import { intBelow, NexmarkRandom } from "./NexmarkRandom.js";
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
  nextEmail,
  nextExtra,
  nextStringPair,
  pool,
  US_CITIES,
  US_STATES,
} from "./strings.js";

/** Ahead-of-time ids a non-hot pick may use, so some bids/auctions precede their auction/person (Nexmark). */
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
/** Not a small integer to V8: an operand that keeps `timestampOf`'s product a double (see there). */
const NOT_SMALL = 2 ** 31;
/** Hot ids change every this many auctions / people. */
const HOT_AUCTION_RATIO = 100;
const HOT_SELLER_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const NUM_CATEGORIES = 5;
const HOT_CHANNELS_RATIO = 2;
/** The size Nexmark counts for a bid's fields before its padding. */
const BID_FIXED_SIZE = 32;
/** The most draws a bid takes (see `bid`). */
const BID_MAX_DRAWS = 9;

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
  /** The padding pool (`strings.ts`), kept once built, as the channels. */
  private padding: string | undefined;
  /** A bid's draws (`bid`). */
  private readonly draws = new Int32Array(BID_MAX_DRAWS);

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

  /**
   * Event time of event `n`: `baseTime + floor(n · 1000 / eventsPerSecond)`. The product is formed as
   * `(n + 2^31) · 1000 − 2^31 · 1000`, the same integer (exact in a double up to n ≈ 9·10^12): written
   * `n * 1000`, V8 sees small products first (every job starts at event 0), compiles an int32 multiply, and
   * deoptimises when it overflows past event 2,147,483 — mid-job, in each function that inlined it (poll,
   * event, auction) and in each thread running a source subtask (a 10 M-event Nexmark job at p=2 did so
   * on both workers, which then compiled those functions again on busy cores).
   */
  timestampOf(n: number): number {
    return this.config.baseTime + Math.floor(((n + NOT_SMALL) * 1000 - NOT_SMALL * 1000) / this.config.eventsPerSecond);
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
    return this.bid(epoch, ts);
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

  /** Nexmark's price: round(100 · 10^(6u)) for u uniform in [0, 1), i.e. log-uniform from $1 to $1M in cents (`prices.ts`). */
  private nextPrice(): number {
    return price(this.rng.nextBits());
  }

  private person(epoch: number, offset: number, ts: number): Person {
    const rng = this.rng;
    const id = this.lastPerson(epoch, offset) + FIRST_PERSON_ID;
    const name = `${FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)]!} ${LAST_NAMES[rng.nextInt(LAST_NAMES.length)]!}`;
    const emailAddress = nextEmail(rng);
    const creditCard = nextCreditCard(rng);
    const city = US_CITIES[rng.nextInt(US_CITIES.length)]!;
    const state = US_STATES[rng.nextInt(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(rng, size, this.config.avgPersonByteSize);
    return new Events.Person(id, name, emailAddress, creditCard, city, state, ts, extra);
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
    const [itemName, description] = nextStringPair(rng, 20, 100);
    const reserve = initialBid + this.nextPrice();
    const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
    const extra = nextExtra(rng, size, c.avgAuctionByteSize);
    return new Events.Auction(id, itemName, description, initialBid, reserve, ts, expires, seller, category, extra);
  }

  /**
   * A bid comes after its epoch's people and auctions, so the last person and auction at its offset are
   * the epoch's last (`lastPerson`/`lastAuction` there, written out). Its draws, in Nexmark's order:
   * hot auction?, [auction], hot bidder?, [bidder], price, hot channel?, channel, [padding length],
   * padding offset — taken from one `peek` of the most it can use (see `NexmarkRandom.peek`: as eight
   * `nextInt` calls, `bid` went over V8's inlining budget and a third of them were calls; with all of
   * them inline the generator ran 14–20% faster).
   */
  private bid(epoch: number, ts: number): Bid {
    const rng = this.rng;
    const c = this.config;
    const d = this.draws;
    rng.peek(d, BID_MAX_DRAWS);
    let k = 0;
    const lastAuction = epoch * c.auctionProportion + c.auctionProportion - 1;
    let auction: number;
    if (intBelow(d[k++]!, c.hotAuctionRatio) > 0) auction = Math.floor(lastAuction / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO;
    else {
      const min = Math.max(lastAuction - c.numInFlightAuctions, 0);
      auction = min + intBelow(d[k++]!, lastAuction - min + 1 + AUCTION_ID_LEAD);
    }
    const lastPerson = epoch * c.personProportion + c.personProportion - 1;
    let bidder: number;
    if (intBelow(d[k++]!, c.hotBiddersRatio) > 0) bidder = Math.floor(lastPerson / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1;
    else {
      const active = Math.min(lastPerson + 1, c.numActivePeople);
      bidder = lastPerson + 1 - active + intBelow(d[k++]!, active + PERSON_ID_LEAD);
    }
    const cents = price(d[k++]!);
    const tables = (this.channelTables ??= channels());
    let channel: string;
    let url: string;
    if (intBelow(d[k++]!, HOT_CHANNELS_RATIO) > 0) {
      const i = intBelow(d[k++]!, HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = tables.hotUrls[i]!;
    } else {
      const i = intBelow(d[k++]!, tables.channels.length);
      channel = tables.channels[i]!;
      url = tables.urls[i]!;
    }
    let extra = "";
    const length = this.bidExtra;
    if (length !== undefined) {
      const size = length.min + (length.spread === 0 ? 0 : intBelow(d[k++]!, length.spread));
      const padding = (this.padding ??= pool());
      const offset = intBelow(d[k++]!, padding.length - size);
      extra = padding.substring(offset, offset + size);
    }
    rng.skip(k);
    return new Events.Bid(auction + FIRST_AUCTION_ID, bidder + FIRST_PERSON_ID, cents, channel, url, ts, extra);
  }
}
