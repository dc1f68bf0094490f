/*
 * The oracle for engine/src/api/flinkAggregations.test.ts: runs the same inputs through Flink's
 * DataStream API (keyed sum/min/max/minBy/maxBy by field, windowAll, countWindowAll) and prints what
 * Flink emits, in the notation of the test. Run with the Nexmark bench's Flink classpath (Flink 1.20.1,
 * built by bench/nexmark/flink; `.cache/nexmark-flink/classpath.txt`):
 *
 *   CP=$(cat .cache/nexmark-flink/classpath.txt); D=$(mktemp -d)
 *   javac -d $D -cp "$CP" test/flink-oracle/FlinkAggregationsOracle.java
 *   java -cp "$D:$CP" FlinkAggregationsOracle
 *
 * Flink 1.20.1 printed (the test's expected values are these, line for line):
 *   sum(v) a=[3/1, 4/1, 5/1, 9/1] b=[5/2, 12/2, 17/2]
 *   min(v) a=[3/1, 1/1, 1/1, 1/1] b=[5/2, 5/2, 5/2]
 *   max(v) a=[3/1, 3/1, 3/1, 4/1] b=[5/2, 7/2, 7/2]
 *   minBy(v) a=[3/1, 1/3, 1/3, 1/3] b=[5/2, 5/2, 5/2]
 *   minBy(v,false) a=[3/1, 1/3, 1/4, 1/4] b=[5/2, 5/2, 5/7]
 *   maxBy(v) a=[3/1, 3/1, 3/1, 4/6] b=[5/2, 7/5, 7/5]
 *   maxBy(v,false) a=[3/1, 3/1, 3/1, 4/6] b=[5/2, 7/5, 7/5]
 *   windowAll tumbling 10 [{start:0,n:3,sum:6}, {start:10,n:2,sum:23}, {start:20,n:2,sum:54}] parallelism 1
 *   countWindowAll(3) sum [6, 15]; countWindowAll(3,2) [12, 234]
 */
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.GlobalWindow;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

public class FlinkAggregationsOracle {
  /** A Flink POJO: public fields, public no-argument constructor. */
  public static class Reading {
    public String k;
    public int v;
    public int id;

    public Reading() {}

    Reading(String k, int v, int id) {
      this.k = k;
      this.v = v;
      this.id = id;
    }
  }

  static List<Reading> readings() {
    return List.of(new Reading("a", 3, 1), new Reading("b", 5, 2), new Reading("a", 1, 3), new Reading("a", 1, 4),
        new Reading("b", 7, 5), new Reading("a", 4, 6), new Reading("b", 5, 7));
  }

  static void rolling(String name, Function<KeyedStream<Reading, String>, DataStream<Reading>> aggregate) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<Reading> in = env.fromData(readings()).setParallelism(1);
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    try (CloseableIterator<Reading> it = aggregate.apply(in.keyBy(r -> r.k)).executeAndCollect(name)) {
      while (it.hasNext()) {
        Reading r = it.next();
        byKey.computeIfAbsent(r.k, x -> new ArrayList<>()).add(r.v + "/" + r.id);
      }
    }
    System.out.println(name + " a=" + byKey.get("a") + " b=" + byKey.get("b"));
  }

  public static void main(String[] args) throws Exception {
    rolling("sum(v)", s -> s.sum("v"));
    rolling("min(v)", s -> s.min("v"));
    rolling("max(v)", s -> s.max("v"));
    rolling("minBy(v)", s -> s.minBy("v"));
    rolling("minBy(v,false)", s -> s.minBy("v", false));
    rolling("maxBy(v)", s -> s.maxBy("v"));
    rolling("maxBy(v,false)", s -> s.maxBy("v", false));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(3);
    DataStream<String> windows = env.fromData(1, 2, 3, 11, 12, 25, 29)
        .assignTimestampsAndWatermarks(WatermarkStrategy.<Integer>forMonotonousTimestamps().withTimestampAssigner((v, ts) -> v))
        .rebalance()
        .windowAll(TumblingEventTimeWindows.of(Duration.ofMillis(10)))
        .process(new ProcessAllWindowFunction<Integer, String, TimeWindow>() {
          @Override
          public void process(Context ctx, Iterable<Integer> xs, Collector<String> out) {
            int n = 0, sum = 0;
            for (int x : xs) { n++; sum += x; }
            out.collect("{start:" + ctx.window().getStart() + ",n:" + n + ",sum:" + sum + "}");
          }
        });
    List<String> perWindow = new ArrayList<>();
    try (CloseableIterator<String> it = windows.executeAndCollect("windowAll")) { it.forEachRemaining(perWindow::add); }
    System.out.println("windowAll tumbling 10 " + perWindow + " parallelism " + windows.getParallelism());

    StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment();
    env2.setParallelism(2);
    List<Integer> tumbling = new ArrayList<>();
    try (CloseableIterator<Integer> it = env2.fromData(1, 2, 3, 4, 5, 6, 7).countWindowAll(3).reduce(Integer::sum).executeAndCollect("count")) {
      it.forEachRemaining(tumbling::add);
    }
    List<String> sliding = new ArrayList<>();
    try (CloseableIterator<String> it = env2.fromData(1, 2, 3, 4, 5).countWindowAll(3, 2)
        .process(new ProcessAllWindowFunction<Integer, String, GlobalWindow>() {
          @Override
          public void process(Context ctx, Iterable<Integer> xs, Collector<String> out) {
            StringBuilder s = new StringBuilder();
            for (int x : xs) s.append(x);
            out.collect(s.toString());
          }
        }).executeAndCollect("sliding")) {
      it.forEachRemaining(sliding::add);
    }
    System.out.println("countWindowAll(3) sum " + tumbling + "; countWindowAll(3,2) " + sliding);
  }
}
