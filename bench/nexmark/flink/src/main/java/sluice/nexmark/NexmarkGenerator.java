package sluice.nexmark;

import sluice.nexmark.Model.Auction;
import sluice.nexmark.Model.Bid;
import sluice.nexmark.Model.Event;
import sluice.nexmark.Model.Person;

/**
 * Twin of engine/src/connectors/nexmark/NexmarkGenerator.ts with the default settings: event n is a
 * pure function of (seed, n), identical to the TypeScript generator's (same draws, same arithmetic).
 */
final class NexmarkGenerator {
  private static final int PERSON_PROPORTION = 1;
  private static final int AUCTION_PROPORTION = 3;
  private static final int TOTAL = 50;
  private static final long FIRST_PERSON_ID = 1000;
  private static final long FIRST_AUCTION_ID = 1000;
  private static final long FIRST_CATEGORY_ID = 10;
  private static final int PERSON_ID_LEAD = 10;
  private static final int AUCTION_ID_LEAD = 10;
  private static final int HOT_RATIO_IDS = 100;
  private static final int NUM_CATEGORIES = 5;
  private static final int HOT_AUCTION_RATIO = 2;
  private static final int HOT_SELLERS_RATIO = 4;
  private static final int HOT_BIDDERS_RATIO = 4;
  private static final int NUM_IN_FLIGHT_AUCTIONS = 100;
  private static final int NUM_ACTIVE_PEOPLE = 1000;
  private static final long AUCTION_HORIZON_EVENTS = (long) NUM_IN_FLIGHT_AUCTIONS * TOTAL / AUCTION_PROPORTION;

  // Prices as engine/src/connectors/nexmark/prices.ts: four 256-entry tables, the definition where a
  // price is within 1e-5 of a half cent.
  private static final double[] P3 = bytePowers(24);
  private static final double[] P2 = bytePowers(16);
  private static final double[] P1 = bytePowers(8);
  private static final double[] P0 = bytePowers(0);

  private static double[] bytePowers(int shift) {
    double[] table = new double[256];
    for (int i = 0; i < 256; i++) table[i] = StrictMath.pow(10, (6.0 * i * (double) (1L << shift)) / 4294967296.0);
    return table;
  }

  private final int seed;
  private final double eventsPerSecond;
  private final long baseTime;
  private final NexmarkRandom rng = new NexmarkRandom();

  NexmarkGenerator(int seed, double eventsPerSecond, long baseTime) {
    this.seed = seed;
    this.eventsPerSecond = eventsPerSecond;
    this.baseTime = baseTime;
  }

  long timestampOf(long n) {
    return baseTime + (long) Math.floor((n * 1000.0) / eventsPerSecond);
  }

  Event event(long n) {
    rng.reset(seed, n);
    long ts = timestampOf(n);
    long rem = n % TOTAL;
    Event e = new Event();
    if (rem < PERSON_PROPORTION) {
      e.type = Event.PERSON;
      e.person = person(n, ts);
    } else if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) {
      e.type = Event.AUCTION;
      e.auction = auction(n, ts);
    } else {
      e.type = Event.BID;
      e.bid = bid(n, ts);
    }
    return e;
  }

  static long lastBase0PersonId(long n) {
    long epoch = n / TOTAL;
    long offset = n % TOTAL;
    if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
    return epoch * PERSON_PROPORTION + offset;
  }

  static long lastBase0AuctionId(long n) {
    long epoch = n / TOTAL;
    long offset = n % TOTAL;
    if (offset < PERSON_PROPORTION) {
      epoch--;
      offset = AUCTION_PROPORTION - 1;
    } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
      offset = AUCTION_PROPORTION - 1;
    } else {
      offset -= PERSON_PROPORTION;
    }
    return epoch * AUCTION_PROPORTION + offset;
  }

  private long nextBase0PersonId(long n) {
    long numPeople = lastBase0PersonId(n) + 1;
    long active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
    return numPeople - active + rng.nextLong(active + PERSON_ID_LEAD);
  }

  private long nextBase0AuctionId(long n) {
    long last = lastBase0AuctionId(n);
    long min = Math.max(last - NUM_IN_FLIGHT_AUCTIONS, 0);
    return min + rng.nextLong(last - min + 1 + AUCTION_ID_LEAD);
  }

  private long nextPrice() {
    return price(rng.nextU32());
  }

  /** round(100 · 10^(6·hi/2^16) · 10^(6·lo/2^32)) for k = hi·2^16 + lo: the definition the events are pinned to. */
  static long exactPrice(long k) {
    return Math.round(StrictMath.pow(10, (6.0 * (k >>> 16)) / 65536) * StrictMath.pow(10, (6.0 * (k & 0xffff)) / 4294967296.0) * 100);
  }

  static long price(long k) {
    double cents = P3[(int) (k >>> 24)] * P2[(int) ((k >>> 16) & 255)] * P1[(int) ((k >>> 8) & 255)] * P0[(int) (k & 255)] * 100;
    double fraction = cents - Math.floor(cents);
    if (fraction > 0.5 - 1e-5 && fraction < 0.5 + 1e-5) return exactPrice(k);
    return Math.round(cents);
  }

  private Person person(long n, long ts) {
    Person p = new Person();
    p.id = lastBase0PersonId(n) + FIRST_PERSON_ID;
    String first = NexmarkStrings.FIRST_NAMES[rng.nextInt(NexmarkStrings.FIRST_NAMES.length)];
    p.name = first + " " + NexmarkStrings.LAST_NAMES[rng.nextInt(NexmarkStrings.LAST_NAMES.length)];
    String user = NexmarkStrings.nextString(rng, 7);
    p.emailAddress = user + "@" + NexmarkStrings.nextString(rng, 5) + ".com";
    p.creditCard = NexmarkStrings.nextCreditCard(rng);
    p.city = NexmarkStrings.US_CITIES[rng.nextInt(NexmarkStrings.US_CITIES.length)];
    p.state = NexmarkStrings.US_STATES[rng.nextInt(NexmarkStrings.US_STATES.length)];
    int size = 8 + p.name.length() + p.emailAddress.length() + p.creditCard.length() + p.city.length() + p.state.length();
    p.extra = NexmarkStrings.nextExtra(rng, size, 200);
    p.dateTime = ts;
    return p;
  }

  private Auction auction(long n, long ts) {
    Auction a = new Auction();
    a.id = lastBase0AuctionId(n) + FIRST_AUCTION_ID;
    a.seller = (rng.nextInt(HOT_SELLERS_RATIO) > 0 ? (lastBase0PersonId(n) / HOT_RATIO_IDS) * HOT_RATIO_IDS : nextBase0PersonId(n)) + FIRST_PERSON_ID;
    a.category = FIRST_CATEGORY_ID + rng.nextInt(NUM_CATEGORIES);
    a.initialBid = nextPrice();
    long horizon = timestampOf(n + AUCTION_HORIZON_EVENTS) - ts;
    a.expires = ts + 1 + rng.nextLong(Math.max(horizon * 2, 1));
    a.itemName = NexmarkStrings.nextString(rng, 20);
    a.description = NexmarkStrings.nextString(rng, 100);
    a.reserve = a.initialBid + nextPrice();
    int size = 8 + a.itemName.length() + a.description.length() + 8 + 8 + 8 + 8 + 8;
    a.extra = NexmarkStrings.nextExtra(rng, size, 500);
    a.dateTime = ts;
    return a;
  }

  private Bid bid(long n, long ts) {
    Bid b = new Bid();
    b.auction = (rng.nextInt(HOT_AUCTION_RATIO) > 0 ? (lastBase0AuctionId(n) / HOT_RATIO_IDS) * HOT_RATIO_IDS : nextBase0AuctionId(n)) + FIRST_AUCTION_ID;
    b.bidder = (rng.nextInt(HOT_BIDDERS_RATIO) > 0 ? (lastBase0PersonId(n) / HOT_RATIO_IDS) * HOT_RATIO_IDS + 1 : nextBase0PersonId(n)) + FIRST_PERSON_ID;
    b.price = nextPrice();
    if (rng.nextInt(2) > 0) {
      int i = rng.nextInt(NexmarkStrings.HOT_CHANNELS.length);
      b.channel = NexmarkStrings.HOT_CHANNELS[i];
      b.url = NexmarkStrings.HOT_URLS[i];
    } else {
      int i = rng.nextInt(NexmarkStrings.CHANNELS.length);
      b.channel = NexmarkStrings.CHANNELS[i];
      b.url = NexmarkStrings.URLS[i];
    }
    b.extra = NexmarkStrings.nextExtra(rng, 32, 100);
    b.dateTime = ts;
    return b;
  }
}
