package sluice.nexmark;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.java.tuple.Tuple5;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import sluice.nexmark.Model.Auction;
import sluice.nexmark.Model.Bid;
import sluice.nexmark.Model.Event;
import sluice.nexmark.Model.Person;

/**
 * q0, q1, q2, q5, q7, q8 on Flink's DataStream API, written as the TypeScript versions in
 * bench/nexmark/queries/ (same operators, same state, same outputs and fingerprints).
 */
final class Queries {
  private Queries() {}

  static final long TEN_SECONDS = 10_000;

  static DataStream<Bid> bids(DataStream<Event> events) {
    return events.filter(e -> e.type == Event.BID).name("bids").map(e -> e.bid).returns(Bid.class);
  }

  static DataStream<Auction> auctions(DataStream<Event> events) {
    return events.filter(e -> e.type == Event.AUCTION).name("auctions").map(e -> e.auction).returns(Auction.class);
  }

  static DataStream<Person> persons(DataStream<Event> events) {
    return events.filter(e -> e.type == Event.PERSON).name("persons").map(e -> e.person).returns(Person.class);
  }

  static void q0(DataStream<Event> events) {
    bids(events)
        .map(b -> Tuple5.of(b.auction, b.bidder, b.price, b.dateTime, b.extra))
        .returns(Types.TUPLE(Types.LONG, Types.LONG, Types.LONG, Types.LONG, Types.STRING))
        .addSink(new CountingSink<>(r -> r.f0 + r.f1 + r.f2));
  }

  static void q1(DataStream<Event> events) {
    bids(events)
        .map(b -> Tuple5.of(b.auction, b.bidder, (b.price * 908) / 1000.0, b.dateTime, b.extra))
        .returns(Types.TUPLE(Types.LONG, Types.LONG, Types.DOUBLE, Types.LONG, Types.STRING))
        .addSink(new CountingSink<>(r -> Math.round(r.f2 * 1000)));
  }

  static void q2(DataStream<Event> events) {
    bids(events)
        .filter(b -> b.auction % 123 == 0)
        .map(b -> Tuple2.of(b.auction, b.price))
        .returns(Types.TUPLE(Types.LONG, Types.LONG))
        .addSink(new CountingSink<>(r -> r.f0 + r.f1));
  }

  /** Per window start: the auctions with the most bids, emitted when the watermark passes the window. */
  static final class HottestPerWindow extends KeyedProcessFunction<Long, Tuple3<Long, Long, Long>, Tuple3<Long, Long, Long>> {
    private transient ValueState<Long> max;
    private transient ValueState<ArrayList<Long>> leaders;

    @Override
    public void open(Configuration parameters) {
      max = getRuntimeContext().getState(new ValueStateDescriptor<>("max", Types.LONG));
      leaders = getRuntimeContext().getState(new ValueStateDescriptor<>("leaders", new org.apache.flink.api.common.typeinfo.TypeHint<ArrayList<Long>>() {}.getTypeInfo()));
    }

    @Override
    public void processElement(Tuple3<Long, Long, Long> r, Context ctx, Collector<Tuple3<Long, Long, Long>> out) throws Exception {
      Long m = max.value();
      if (m == null) {
        max.update(r.f1);
        ArrayList<Long> l = new ArrayList<>();
        l.add(r.f0);
        leaders.update(l);
        ctx.timerService().registerEventTimeTimer(ctx.timestamp());
      } else if (r.f1 > m) {
        max.update(r.f1);
        ArrayList<Long> l = new ArrayList<>();
        l.add(r.f0);
        leaders.update(l);
      } else if (r.f1.longValue() == m.longValue()) {
        leaders.value().add(r.f0);
      }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple3<Long, Long, Long>> out) throws Exception {
      long m = max.value();
      for (Long auction : leaders.value()) out.collect(Tuple3.of(auction, m, ctx.getCurrentKey()));
      max.clear();
      leaders.clear();
    }
  }

  static final class Count implements AggregateFunction<Long, Long, Long> {
    public Long createAccumulator() { return 0L; }
    public Long add(Long auction, Long acc) { return acc + 1; }
    public Long getResult(Long acc) { return acc; }
    public Long merge(Long a, Long b) { return a + b; }
  }

  /**
   * q5's local pre-filter ahead of the exchange to HottestPerWindow, as q5.ts's BelowWindowMax: per subtask, the
   * highest count so far of the newest window (f2, its start); a count of that window below it cannot be the
   * window's maximum. Older windows' counts pass unpruned.
   */
  static final class BelowWindowMax implements FilterFunction<Tuple3<Long, Long, Long>> {
    private long start = Long.MIN_VALUE;
    private long max = Long.MIN_VALUE;

    @Override
    public boolean filter(Tuple3<Long, Long, Long> r) {
      long s = r.f2;
      if (s > start) {
        start = s;
        max = r.f1;
        return true;
      }
      if (s < start) return true;
      if (r.f1 < max) return false;
      max = r.f1;
      return true;
    }
  }

  static void q5(DataStream<Event> events) {
    // Only the auction crosses to the window's subtask, as in q5.ts.
    bids(events)
        .map(b -> b.auction)
        .returns(Types.LONG)
        .name("q5.auction")
        .keyBy(a -> a, Types.LONG)
        .window(SlidingEventTimeWindows.of(java.time.Duration.ofMillis(TEN_SECONDS), java.time.Duration.ofMillis(2000)))
        .aggregate(new Count(), new ProcessWindowFunction<Long, Tuple3<Long, Long, Long>, Long, TimeWindow>() {
          @Override
          public void process(Long key, Context ctx, Iterable<Long> counts, Collector<Tuple3<Long, Long, Long>> out) {
            out.collect(Tuple3.of(key, counts.iterator().next(), ctx.window().getStart()));
          }
        })
        .filter(new BelowWindowMax())
        .name("q5.belowWindowMax")
        .keyBy(r -> r.f2)
        .process(new HottestPerWindow())
        .addSink(new CountingSink<>(r -> r.f0 + r.f1));
  }

  /** Highest price of a window and every bid (auction, price, bidder, dateTime, extra) that has it. */
  public static final class Highest {
    public long max = -1;
    public List<Tuple5<Long, Long, Long, Long, String>> bids = new ArrayList<>();
  }

  static final class HighestBids implements AggregateFunction<Tuple5<Long, Long, Long, Long, String>, Highest, List<Tuple5<Long, Long, Long, Long, String>>> {
    public Highest createAccumulator() { return new Highest(); }
    public Highest add(Tuple5<Long, Long, Long, Long, String> b, Highest acc) {
      if (b.f1 > acc.max) {
        acc.max = b.f1;
        acc.bids = new ArrayList<>();
        acc.bids.add(b);
      } else if (b.f1 == acc.max) {
        acc.bids.add(b);
      }
      return acc;
    }
    public List<Tuple5<Long, Long, Long, Long, String>> getResult(Highest acc) { return acc.bids; }
    public Highest merge(Highest a, Highest b) {
      if (a.max != b.max) return a.max > b.max ? a : b;
      a.bids.addAll(b.bids);
      return a;
    }
  }

  /**
   * q7's local pre-filter ahead of the exchange, as q7.ts's BelowWindowTop: per subtask (Flink gives each
   * subtask its own copy of the function), the highest price so far in the newest window; a bid of that
   * window priced below it cannot be the window's maximum. Older windows' bids pass unpruned.
   */
  static final class BelowWindowTop implements FilterFunction<Bid> {
    private long window = Long.MIN_VALUE;
    private long max = Long.MIN_VALUE;

    @Override
    public boolean filter(Bid b) {
      long w = Math.floorDiv(b.dateTime, TEN_SECONDS);
      if (w > window) {
        window = w;
        max = b.price;
        return true;
      }
      if (w < window) return true;
      if (b.price < max) return false;
      max = b.price;
      return true;
    }
  }

  static void q7(DataStream<Event> events) {
    // Only the output's fields cross to the window's subtask (a Bid's channel and url stay behind), as in q7.ts.
    bids(events)
        .filter(new BelowWindowTop())
        .name("q7.belowWindowTop")
        .map(b -> Tuple5.of(b.auction, b.price, b.bidder, b.dateTime, b.extra))
        .returns(Types.TUPLE(Types.LONG, Types.LONG, Types.LONG, Types.LONG, Types.STRING))
        .name("q7.project")
        .keyBy(b -> 0)
        .window(TumblingEventTimeWindows.of(java.time.Duration.ofMillis(TEN_SECONDS)))
        .aggregate(new HighestBids(), new ProcessWindowFunction<List<Tuple5<Long, Long, Long, Long, String>>, Tuple5<Long, Long, Long, Long, String>, Integer, TimeWindow>() {
          @Override
          public void process(Integer key, Context ctx, Iterable<List<Tuple5<Long, Long, Long, Long, String>>> top, Collector<Tuple5<Long, Long, Long, Long, String>> out) {
            for (Tuple5<Long, Long, Long, Long, String> b : top.iterator().next()) out.collect(b);
          }
        })
        .addSink(new CountingSink<>(r -> r.f0 + r.f1));
  }

  /** A person (name set) or an auction by seller id (name null). */
  public static final class Side {
    public long id;
    public String name;

    public Side() {}

    Side(long id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  public static final class Seen {
    public String name;
    public boolean sold;
  }

  static final class PersonAndAuction implements AggregateFunction<Side, Seen, Seen> {
    public Seen createAccumulator() { return new Seen(); }
    public Seen add(Side s, Seen acc) {
      if (s.name == null) acc.sold = true;
      else acc.name = s.name;
      return acc;
    }
    public Seen getResult(Seen acc) { return acc; }
    public Seen merge(Seen a, Seen b) {
      Seen m = new Seen();
      m.name = a.name != null ? a.name : b.name;
      m.sold = a.sold || b.sold;
      return m;
    }
  }

  static void q8(DataStream<Event> events) {
    DataStream<Side> people = persons(events).map(p -> new Side(p.id, p.name)).returns(Side.class);
    DataStream<Side> sellers = auctions(events).map(a -> new Side(a.seller, null)).returns(Side.class);
    people
        .union(sellers)
        .keyBy(s -> s.id)
        .window(TumblingEventTimeWindows.of(java.time.Duration.ofMillis(TEN_SECONDS)))
        .aggregate(new PersonAndAuction(), new ProcessWindowFunction<Seen, Tuple3<Long, String, Long>, Long, TimeWindow>() {
          @Override
          public void process(Long id, Context ctx, Iterable<Seen> seen, Collector<Tuple3<Long, String, Long>> out) {
            Seen s = seen.iterator().next();
            if (s.name != null && s.sold) out.collect(Tuple3.of(id, s.name, ctx.window().getStart()));
          }
        })
        .addSink(new CountingSink<>(r -> r.f0));
  }
}
