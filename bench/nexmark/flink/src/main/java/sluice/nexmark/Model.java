package sluice.nexmark;

/**
 * Nexmark's events as Flink POJOs (public fields, no-arg constructors, so Flink's PojoSerializer
 * handles them rather than Kryo). Field names and meaning match the TypeScript model in
 * engine/src/connectors/nexmark/model.ts; times are epoch milliseconds.
 */
public final class Model {
  private Model() {}

  public static class Person {
    public long id;
    public String name;
    public String emailAddress;
    public String creditCard;
    public String city;
    public String state;
    public long dateTime;
    public String extra;

    public Person() {}
  }

  public static class Auction {
    public long id;
    public String itemName;
    public String description;
    public long initialBid;
    public long reserve;
    public long dateTime;
    public long expires;
    public long seller;
    public long category;
    public String extra;

    public Auction() {}
  }

  public static class Bid {
    public long auction;
    public long bidder;
    public long price;
    public String channel;
    public String url;
    public long dateTime;
    public String extra;

    public Bid() {}
  }

  /** One event: exactly one of person/auction/bid is set, as in the Nexmark Flink suite's Event. */
  public static class Event {
    public static final int PERSON = 0;
    public static final int AUCTION = 1;
    public static final int BID = 2;

    public int type;
    public Person person;
    public Auction auction;
    public Bid bid;

    public Event() {}

    public long dateTime() {
      return type == PERSON ? person.dateTime : type == AUCTION ? auction.dateTime : bid.dateTime;
    }
  }
}
