package sluice.nexmark;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import sluice.nexmark.Model.Auction;
import sluice.nexmark.Model.Bid;
import sluice.nexmark.Model.Event;
import sluice.nexmark.Model.Person;

/** q3, q4 and q6 (keyed joins with state and timers), as in bench/nexmark/queries/. */
final class JoinQueries {
  private JoinQueries() {}

  public static final class Seller {
    public String name;
    public String city;
    public String state;
  }

  /** q3's join keyed by person id = seller: keeps the person and auctions waiting for their seller. */
  static final class SellerJoin extends KeyedCoProcessFunction<Long, Auction, Person, Tuple4<String, String, String, Long>> {
    private transient ValueState<Seller> person;
    private transient ListState<Long> waiting;

    @Override
    public void open(Configuration parameters) {
      person = getRuntimeContext().getState(new ValueStateDescriptor<>("person", Seller.class));
      waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("auctions", Types.LONG));
    }

    @Override
    public void processElement1(Auction a, Context ctx, Collector<Tuple4<String, String, String, Long>> out) throws Exception {
      Seller p = person.value();
      if (p == null) waiting.add(a.id);
      else out.collect(Tuple4.of(p.name, p.city, p.state, a.id));
    }

    @Override
    public void processElement2(Person p, Context ctx, Collector<Tuple4<String, String, String, Long>> out) throws Exception {
      Seller s = new Seller();
      s.name = p.name;
      s.city = p.city;
      s.state = p.state;
      person.update(s);
      for (Long id : waiting.get()) out.collect(Tuple4.of(p.name, p.city, p.state, id));
      waiting.clear();
    }
  }

  static void q3(DataStream<Event> events) {
    DataStream<Auction> a = Queries.auctions(events).filter(x -> x.category == 10);
    DataStream<Person> p = Queries.persons(events).filter(x -> x.state.equals("OR") || x.state.equals("ID") || x.state.equals("CA"));
    a.connect(p)
        .keyBy(x -> x.seller, x -> x.id)
        .process(new SellerJoin())
        .returns(Types.TUPLE(Types.STRING, Types.STRING, Types.STRING, Types.LONG))
        .addSink(new CountingSink<>(r -> r.f3));
  }

  public static final class WinningBid {
    public long auction;
    public long seller;
    public long category;
    public long price;
    public long expires;
  }

  public static final class OpenAuction {
    public long seller;
    public long category;
    public long start;
    public long expires;
    public long price = -1;
  }

  static final long CLEANUP_GRID_MS = 1000;

  /** The winning-bid join of q4/q6; see winningBids.ts for why early bids are kept until the watermark passes them. */
  static final class WinningBids extends KeyedCoProcessFunction<Long, Auction, Bid, WinningBid> {
    private transient ValueState<OpenAuction> auction;
    private transient ListState<Tuple2<Long, Long>> early; // (price, dateTime)

    @Override
    public void open(Configuration parameters) {
      auction = getRuntimeContext().getState(new ValueStateDescriptor<>("auction", OpenAuction.class));
      early = getRuntimeContext().getListState(new ListStateDescriptor<>("earlyBids", Types.TUPLE(Types.LONG, Types.LONG)));
    }

    @Override
    public void processElement1(Auction a, Context ctx, Collector<WinningBid> out) throws Exception {
      OpenAuction s = new OpenAuction();
      s.seller = a.seller;
      s.category = a.category;
      s.start = a.dateTime;
      s.expires = a.expires;
      for (Tuple2<Long, Long> b : early.get()) if (b.f1 >= s.start && b.f1 <= s.expires && b.f0 > s.price) s.price = b.f0;
      early.clear();
      auction.update(s);
      ctx.timerService().registerEventTimeTimer(a.expires);
    }

    @Override
    public void processElement2(Bid b, Context ctx, Collector<WinningBid> out) throws Exception {
      OpenAuction s = auction.value();
      if (s != null) {
        if (b.dateTime >= s.start && b.dateTime <= s.expires && b.price > s.price) {
          s.price = b.price;
          auction.update(s);
        }
        return;
      }
      early.add(Tuple2.of(b.price, b.dateTime));
      ctx.timerService().registerEventTimeTimer(((b.dateTime + CLEANUP_GRID_MS - 1) / CLEANUP_GRID_MS) * CLEANUP_GRID_MS);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WinningBid> out) throws Exception {
      OpenAuction s = auction.value();
      if (s != null) {
        if (timestamp < s.expires) return;
        if (s.price >= 0) {
          WinningBid w = new WinningBid();
          w.auction = ctx.getCurrentKey();
          w.seller = s.seller;
          w.category = s.category;
          w.price = s.price;
          w.expires = s.expires;
          out.collect(w);
        }
        auction.clear();
        return;
      }
      List<Tuple2<Long, Long>> kept = new ArrayList<>();
      for (Tuple2<Long, Long> b : early.get()) if (b.f1 > timestamp) kept.add(b);
      if (kept.isEmpty()) early.clear();
      else early.update(kept);
    }
  }

  static DataStream<WinningBid> winningBids(DataStream<Event> events) {
    return Queries.auctions(events).connect(Queries.bids(events)).keyBy(a -> a.id, b -> b.auction).process(new WinningBids()).name("winningBids");
  }

  static final class CategoryAverage extends KeyedProcessFunction<Long, WinningBid, Tuple2<Long, Double>> {
    private transient ValueState<Tuple2<Long, Long>> totals;

    @Override
    public void open(Configuration parameters) {
      totals = getRuntimeContext().getState(new ValueStateDescriptor<>("totals", Types.TUPLE(Types.LONG, Types.LONG)));
    }

    @Override
    public void processElement(WinningBid w, Context ctx, Collector<Tuple2<Long, Double>> out) throws Exception {
      Tuple2<Long, Long> t = totals.value();
      if (t == null) t = Tuple2.of(0L, 0L);
      t.f0 += w.price;
      t.f1 += 1;
      totals.update(t);
      out.collect(Tuple2.of(w.category, (double) t.f0 / t.f1));
    }
  }

  static void q4(DataStream<Event> events) {
    winningBids(events).keyBy(w -> w.category).process(new CategoryAverage()).addSink(new CountingSink<>(r -> r.f0));
  }

  static final int FRAME = 11;

  static final class SellerAverage extends KeyedProcessFunction<Long, WinningBid, Tuple2<Long, Double>> {
    private transient ListState<WinningBid> waiting;
    private transient ValueState<ArrayList<Long>> recent;

    @Override
    public void open(Configuration parameters) {
      waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", WinningBid.class));
      recent = getRuntimeContext().getState(new ValueStateDescriptor<>("recent", new org.apache.flink.api.common.typeinfo.TypeHint<ArrayList<Long>>() {}.getTypeInfo()));
    }

    @Override
    public void processElement(WinningBid w, Context ctx, Collector<Tuple2<Long, Double>> out) throws Exception {
      waiting.add(w);
      ctx.timerService().registerEventTimeTimer(w.expires);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple2<Long, Double>> out) throws Exception {
      List<WinningBid> due = new ArrayList<>();
      List<WinningBid> later = new ArrayList<>();
      for (WinningBid w : waiting.get()) (w.expires <= timestamp ? due : later).add(w);
      due.sort((a, b) -> a.expires != b.expires ? Long.compare(a.expires, b.expires) : Long.compare(a.auction, b.auction));
      if (later.isEmpty()) waiting.clear();
      else waiting.update(later);
      ArrayList<Long> prices = recent.value();
      if (prices == null) prices = new ArrayList<>();
      for (WinningBid w : due) {
        prices.add(w.price);
        if (prices.size() > FRAME) prices.remove(0);
        long sum = 0;
        for (long p : prices) sum += p;
        out.collect(Tuple2.of(ctx.getCurrentKey(), (double) sum / prices.size()));
      }
      recent.update(prices);
    }
  }

  static void q6(DataStream<Event> events) {
    winningBids(events).keyBy(w -> w.seller).process(new SellerAverage()).addSink(new CountingSink<>(r -> r.f0 + Math.round(r.f1)));
  }
}
