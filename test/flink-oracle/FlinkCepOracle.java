/*
 * The oracle for test/flink-oracle/cep.test.ts: runs the CEP cases of cepCases.ts (the same patterns,
 * written with Flink's own API) through Flink CEP 1.20.1 on the same events, in one job on one JVM, and
 * prints every match and timed-out partial match:
 *
 *   <case>|<key>|M|<timestamp>|<name>=<id>,<id>;<name>=<id>     (a match)
 *   <case>|<key>|T|<timestamp>|...                              (a timed-out partial match)
 *
 * Input: a CSV file of `id,key,type,v,ts` lines in arrival order; watermarks are punctuated,
 * `max timestamp so far - BOUND` after every event (so which events are late is deterministic).
 * The test compiles and runs it (flink-cep and Flink from Maven Central via test/flink-sql/pom.xml):
 *
 *   CP=$(cat .cache/flink-sql-oracle/classpath.txt); D=$(mktemp -d)
 *   javac -d $D -cp "$CP" test/flink-oracle/FlinkCepOracle.java
 *   java -cp "$D:$CP" FlinkCepOracle events.csv [case ...]
 */
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

public class FlinkCepOracle {
  static final long BOUND = 30;

  /** A Flink POJO: public fields, public no-argument constructor. */
  public static class Ev {
    public int id;
    public String key;
    public String type;
    public int v;
    public long ts;

    public Ev() {}
  }

  static SimpleCondition<Ev> type(String t) {
    return SimpleCondition.of(e -> e.type.equals(t));
  }

  static Pattern<Ev, Ev> begin(String name, AfterMatchSkipStrategy skip) {
    return Pattern.<Ev>begin(name, skip);
  }

  static Pattern<Ev, Ev> begin(String name) {
    return Pattern.<Ev>begin(name);
  }

  /** Sum of `v` over the events already taken by `name`, plus the candidate's. */
  static IterativeCondition<Ev> sumAtMost(String name, int max) {
    return new IterativeCondition<Ev>() {
      @Override
      public boolean filter(Ev e, Context<Ev> ctx) throws Exception {
        int sum = e.v;
        for (Ev x : ctx.getEventsForPattern(name)) sum += x.v;
        return e.type.equals("b") && sum <= max;
      }
    };
  }

  static IterativeCondition<Ev> aboveFirst(String name) {
    return new IterativeCondition<Ev>() {
      @Override
      public boolean filter(Ev e, Context<Ev> ctx) throws Exception {
        for (Ev x : ctx.getEventsForPattern(name)) return e.type.equals("b") && e.v > x.v;
        return false;
      }
    };
  }

  static Map<String, Supplier<Pattern<Ev, ?>>> cases() {
    Map<String, Supplier<Pattern<Ev, ?>>> m = new LinkedHashMap<>();
    m.put("next", () -> begin("a").where(type("a")).next("b").where(type("b")));
    m.put("followedBy", () -> begin("a").where(type("a")).followedBy("b").where(type("b")));
    m.put("followedByAny", () -> begin("a").where(type("a")).followedByAny("b").where(type("b")).within(Duration.ofMillis(60)));
    m.put("notNext", () -> begin("a").where(type("a")).notNext("c").where(type("c")).followedBy("b").where(type("b")));
    m.put("notFollowedBy", () -> begin("a").where(type("a")).notFollowedBy("c").where(type("c")).followedBy("b").where(type("b")));
    m.put("notFollowedByAtEnd", () -> begin("a").where(type("a")).notFollowedBy("b").where(type("b")).within(Duration.ofMillis(50)));
    m.put("times", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).times(2));
    m.put("timesRange", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).times(1, 3).followedBy("c").where(type("c")));
    m.put("timesFromZero", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).times(0, 2).followedBy("c").where(type("c")));
    m.put("oneOrMore", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).oneOrMore().followedBy("c").where(type("c")));
    m.put("consecutive", () -> begin("a").where(type("a")).next("b").where(type("b")).oneOrMore().consecutive().followedBy("c").where(type("c")));
    m.put("allowCombinations", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).oneOrMore().allowCombinations().followedBy("c").where(type("c")).within(Duration.ofMillis(40)));
    m.put("timesOrMoreGreedy", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).timesOrMore(2).greedy().followedBy("c").where(SimpleCondition.of(e -> e.v >= 5)));
    m.put("timesOrMore", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).timesOrMore(2).followedBy("c").where(SimpleCondition.of(e -> e.v >= 5)));
    m.put("optional", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).optional().followedBy("c").where(type("c")));
    m.put("until", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).oneOrMore().until(SimpleCondition.of(e -> e.v >= 7)).followedBy("c").where(type("c")));
    m.put("iterativeSum", () -> begin("a").where(type("a")).followedBy("b").where(sumAtMost("b", 12)).oneOrMore().followedBy("c").where(type("c")));
    m.put("iterativeRef", () -> begin("a").where(type("a")).followedBy("b").where(aboveFirst("a")));
    m.put("withinTimeout", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).followedBy("c").where(type("c")).within(Duration.ofMillis(30)));
    m.put("or", () -> begin("a").where(type("a")).or(SimpleCondition.of(e -> e.v == 9)).next("b").where(type("b")));
    m.put("greedyAtEndWithin", () -> begin("a").where(type("a")).next("b").where(type("b")).oneOrMore().greedy().within(Duration.ofMillis(30)));
    m.put("notNextAtEnd", () -> begin("a").where(type("a")).notNext("b").where(type("b")));
    m.put("notFollowedByThenOptional", () -> begin("a").where(type("a")).notFollowedBy("n").where(type("c")).followedBy("b").where(type("b")).optional().followedBy("d").where(SimpleCondition.of(e -> e.v >= 8)));
    m.put("optionalBegin", () -> begin("a").where(type("a")).optional().next("b").where(type("b")));
    m.put("greedyUntil", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).oneOrMore().greedy().until(SimpleCondition.of(e -> e.v >= 7)).followedBy("c").where(type("c")));
    m.put("timesGreedy", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).times(1, 3).greedy().followedBy("c").where(SimpleCondition.of(e -> e.v >= 5)));
    m.put("timesCombinations", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).times(2).allowCombinations().followedBy("c").where(type("c")).within(Duration.ofMillis(40)));
    m.put("withinOnMiddleStep", () -> begin("a").where(type("a")).followedBy("b").where(type("b")).within(Duration.ofMillis(30)).followedBy("c").where(type("c")));
    m.put("skip-noSkip", () -> begin("a", AfterMatchSkipStrategy.noSkip()).where(type("a")).oneOrMore().followedBy("b").where(type("b")));
    m.put("skip-toNext", () -> begin("a", AfterMatchSkipStrategy.skipToNext()).where(type("a")).oneOrMore().followedBy("b").where(type("b")));
    m.put("skip-pastLastEvent", () -> begin("a", AfterMatchSkipStrategy.skipPastLastEvent()).where(type("a")).oneOrMore().followedBy("b").where(type("b")));
    m.put("skip-toFirst", () -> begin("a", AfterMatchSkipStrategy.skipToFirst("b")).where(type("a")).followedBy("b").where(type("b")).oneOrMore().followedBy("c").where(type("c")));
    m.put("skip-toLast", () -> begin("a", AfterMatchSkipStrategy.skipToLast("b")).where(type("a")).followedBy("b").where(type("b")).oneOrMore().followedBy("c").where(type("c")));
    m.put("skip-pastLastWithin", () -> begin("a", AfterMatchSkipStrategy.skipPastLastEvent()).where(type("a")).followedBy("b").where(type("b")).followedBy("c").where(type("c")).within(Duration.ofMillis(30)));
    m.put("groupNext", () -> begin("a").where(type("a")).next(Pattern.<Ev>begin("b").where(type("b")).followedBy("c").where(type("c"))).within(Duration.ofMillis(60)));
    m.put("groupOneOrMore", () -> Pattern.begin(begin("a").where(type("a")).followedBy("b").where(type("b"))).oneOrMore().followedBy("c").where(type("c")).within(Duration.ofMillis(60)));
    m.put("groupTimesConsecutive", () -> begin("s").where(type("c")).followedBy(Pattern.<Ev>begin("a").where(type("a")).next("b").where(type("b"))).times(2).consecutive().within(Duration.ofMillis(80)));
    m.put("groupOptional", () -> begin("a").where(type("a")).followedBy(Pattern.<Ev>begin("b").where(type("b")).followedBy("c").where(SimpleCondition.of(e -> e.v >= 5))).optional().followedBy("d").where(type("c")).within(Duration.ofMillis(60)));
    m.put("groupFollowedByAny", () -> begin("a").where(type("a")).followedByAny(Pattern.<Ev>begin("b").where(type("b")).next("c").where(type("c"))).within(Duration.ofMillis(50)));
    m.put("groupTimesRangeCombinations", () -> begin("a").where(type("a")).followedBy(Pattern.<Ev>begin("b").where(type("b")).followedBy("c").where(type("c"))).times(1, 2).allowCombinations().within(Duration.ofMillis(50)));
    m.put("groupSkipPastLast", () -> Pattern.begin(Pattern.<Ev>begin("a").where(type("a")).followedBy("b").where(type("b")), AfterMatchSkipStrategy.skipPastLastEvent()).times(1, 2).followedBy("c").where(type("c")));
    m.put("groupSkipToLast", () -> Pattern.begin(Pattern.<Ev>begin("a").where(type("a")).followedBy("b").where(type("b")).oneOrMore(), AfterMatchSkipStrategy.skipToLast("c")).followedBy("c").where(type("c")).within(Duration.ofMillis(60)));
    return m;
  }

  static String format(Map<String, List<Ev>> match) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<Ev>> e : match.entrySet()) {
      if (sb.length() > 0) sb.append(';');
      sb.append(e.getKey()).append('=');
      StringBuilder ids = new StringBuilder();
      for (Ev x : e.getValue()) ids.append(ids.length() > 0 ? "," : "").append(x.id);
      sb.append(ids);
    }
    return sb.toString();
  }

  static class Printer extends PatternProcessFunction<Ev, String> implements TimedOutPartialMatchHandler<Ev> {
    final String name;
    final OutputTag<String> timeouts;

    Printer(String name, OutputTag<String> timeouts) {
      this.name = name;
      this.timeouts = timeouts;
    }

    @Override
    public void processMatch(Map<String, List<Ev>> match, Context ctx, Collector<String> out) {
      out.collect(name + "|" + first(match).key + "|M|" + ctx.timestamp() + "|" + format(match));
    }

    @Override
    public void processTimedOutMatch(Map<String, List<Ev>> match, Context ctx) {
      ctx.output(timeouts, name + "|" + first(match).key + "|T|" + ctx.timestamp() + "|" + format(match));
    }

    static Ev first(Map<String, List<Ev>> match) {
      return match.values().iterator().next().get(0);
    }
  }

  public static void main(String[] args) throws Exception {
    List<Ev> events = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.isBlank()) continue;
      String[] f = line.split(",");
      Ev e = new Ev();
      e.id = Integer.parseInt(f[0]);
      e.key = f[1];
      e.type = f[2];
      e.v = Integer.parseInt(f[3]);
      e.ts = Long.parseLong(f[4]);
      events.add(e);
    }
    List<String> wanted = Arrays.asList(args).subList(1, args.length);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    WatermarkStrategy<Ev> punctuated = WatermarkStrategy.<Ev>forGenerator(ctx -> new WatermarkGenerator<Ev>() {
          long max = Long.MIN_VALUE;

          @Override
          public void onEvent(Ev e, long ts, WatermarkOutput out) {
            if (ts > max) {
              max = ts;
              out.emitWatermark(new Watermark(max - BOUND));
            }
          }

          @Override
          public void onPeriodicEmit(WatermarkOutput out) {}
        }).withTimestampAssigner((e, t) -> e.ts);
    KeyedStream<Ev, String> keyed = env.fromCollection(events).assignTimestampsAndWatermarks(punctuated).keyBy(e -> e.key);
    DataStream<String> all = null;
    for (Map.Entry<String, Supplier<Pattern<Ev, ?>>> c : cases().entrySet()) {
      if (!wanted.isEmpty() && !wanted.contains(c.getKey())) continue;
      OutputTag<String> timeouts = new OutputTag<String>("timeouts-" + c.getKey()) {};
      SingleOutputStreamOperator<String> matches = CEP.pattern(keyed, c.getValue().get()).process(new Printer(c.getKey(), timeouts));
      DataStream<String> both = matches.union(matches.getSideOutput(timeouts));
      all = all == null ? both : all.union(both);
    }
    try (CloseableIterator<String> it = all.executeAndCollect("cep oracle")) {
      while (it.hasNext()) System.out.println(it.next());
    }
  }
}
