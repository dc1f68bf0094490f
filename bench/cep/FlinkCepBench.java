/*
 * The CEP bench on Flink CEP 1.20.1 (local MiniCluster, parallelism 1, object reuse on), timed as
 * sluiceCep.ts times Sluice (and bench/nexmark's Measure.java times Flink): in one JVM `warmupJobs`
 * warm-up jobs sharing `warmup` events (untimed; the JIT keeps compiling for a few jobs after the
 * first), then a job of `small` events and one of `events` events; the rate is the marginal one, in
 * wall time and in process CPU time. Then the state size: a job reads `events` events and pauses (the
 * source stays open), and once the watermark has passed the last event a checkpoint is triggered; the
 * bytes of its directory are reported. Prints one JSON line (the shape sluiceCep.ts prints).
 * The same events (see events.ts) and the same pattern, written with Flink's own API.
 * Compiled and started by run.ts (javac against the Flink jars test/flink-sql/pom.xml resolves):
 *   java -cp <classes>:<classpath> FlinkCepBench <keys> <events> <warmup> <small> [state: 1|0] [warmupJobs=4]
 */
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.util.Collector;

public class FlinkCepBench {
  static final long BASE_TIME = 1_700_000_000_000L;
  static final long EVENTS_PER_SECOND = 10_000;
  static final long WITHIN_MS = 10_000;
  static final long MOD = 1L << 50;

  /** A Flink POJO: public fields, public no-argument constructor. */
  public static class Ev {
    public int key;
    public int type;
    public long ts;

    public Ev() {}
  }

  static int fmix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  static void event(long i, int keys, Ev into) {
    int h = fmix32((int) i);
    into.key = (int) (Integer.toUnsignedLong(h) % keys);
    into.type = (int) (Integer.toUnsignedLong(fmix32(h ^ 0x9e3779b9)) % 3);
    into.ts = BASE_TIME + (i * 1000) / EVENTS_PER_SECOND;
  }

  /** The events; with `pause`, the source stays open after the last one until cancelled. */
  static final class Events implements SourceFunction<Ev> {
    private final long count;
    private final int keys;
    private final boolean pause;
    private volatile boolean running = true;

    Events(long count, int keys, boolean pause) {
      this.count = count;
      this.keys = keys;
      this.pause = pause;
    }

    @Override
    public void run(SourceContext<Ev> ctx) throws Exception {
      long n = 0;
      while (running && n < count) {
        // Small runs under the checkpoint lock, as Flink's own generators emit.
        synchronized (ctx.getCheckpointLock()) {
          for (int i = 0; i < 1024 && n < count; i++, n++) {
            Ev e = new Ev();
            event(n, keys, e);
            ctx.collect(e);
          }
        }
      }
      if (pause) emitted = true;
      while (running && pause) Thread.sleep(20);
    }

    @Override
    public void cancel() {
      running = false;
    }
  }

  // One task per operator in this JVM (parallelism 1): plain statics carry the counts out.
  static volatile boolean emitted;
  static volatile long lastWatermarkSeen = Long.MIN_VALUE;
  static long outputs;
  static long checksum;

  static final class Blackhole implements SinkFunction<Long> {
    @Override
    public void invoke(Long value, Context context) {
      outputs++;
      checksum = (checksum + value) % MOD;
      lastWatermarkSeen = context.currentWatermark();
    }
  }

  static MiniCluster cluster;

  static StreamExecutionEnvironment build(long count, int keys, boolean pause, String checkpoints) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    env.setParallelism(1);
    env.getConfig().enableObjectReuse();
    if (checkpoints != null) {
      env.enableCheckpointing(3_600_000); // only the checkpoint triggered below
      env.getCheckpointConfig().setCheckpointStorage(checkpoints);
    }
    Pattern<Ev, Ev> pattern = Pattern.<Ev>begin("a")
        .where(SimpleCondition.of(e -> e.type == 0))
        .followedBy("b")
        .where(SimpleCondition.of(e -> e.type == 1))
        .followedBy("c")
        .where(SimpleCondition.of(e -> e.type == 2))
        .within(Duration.ofMillis(WITHIN_MS));
    var events = env.addSource(new Events(count, keys, pause), "cep-events")
        .returns(Ev.class)
        .assignTimestampsAndWatermarks(WatermarkStrategy.<Ev>forMonotonousTimestamps().withTimestampAssigner((e, t) -> e.ts));
    CEP.pattern(events.keyBy(e -> e.key), pattern)
        .process(new PatternProcessFunction<Ev, Long>() {
          @Override
          public void processMatch(Map<String, List<Ev>> match, Context ctx, Collector<Long> out) {
            Ev a = match.get("a").get(0);
            out.collect(a.key + (a.ts - BASE_TIME) * 7 + (match.get("c").get(0).ts - BASE_TIME) * 13);
          }
        })
        .addSink(new Blackhole());
    return env;
  }

  static void job(long count, int keys) throws Exception {
    outputs = 0;
    checksum = 0;
    cluster.executeJobBlocking(build(count, keys, false, null).getStreamGraph().getJobGraph());
  }

  static long stateBytes(long count, int keys) throws Exception {
    Path dir = Files.createTempDirectory("flink-cep-bench-");
    try {
      emitted = false;
      var graph = build(count, keys, true, dir.toUri().toString()).getStreamGraph().getJobGraph();
      JobID id = cluster.submitJob(graph).get().getJobID();
      // The matcher holds events until the watermark passes them; periodic watermarks (200 ms) follow
      // the last event, so wait for the source to be done and then for the watermarks to settle.
      while (!emitted) Thread.sleep(20);
      Thread.sleep(1000);
      String pointer = cluster.triggerCheckpoint(id).get();
      long bytes = size(Paths.get(java.net.URI.create(pointer.startsWith("file:") ? pointer : "file:" + pointer)));
      cluster.cancelJob(id).get();
      return bytes;
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  static long size(Path p) throws IOException {
    try (Stream<Path> paths = Files.walk(p)) {
      return paths.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static double peakRssMB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return Double.NaN;
  }

  public static void main(String[] args) throws Exception {
    int keys = Integer.parseInt(args[0]);
    long events = Long.parseLong(args[1]);
    long warmup = Long.parseLong(args[2]);
    long small = Long.parseLong(args[3]);
    boolean withState = args.length < 5 || args[4].equals("1");
    int warmupJobs = args.length > 5 ? Integer.parseInt(args[5]) : 4; // as run.ts --warmup-jobs
    if (warmupJobs < 1) throw new IllegalArgumentException("warm-up jobs must be at least 1, not " + warmupJobs);
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0"); // any free port: another Flink on this machine may hold 8081
    cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
    cluster.start();
    // As Measure.java (and bench/marginal.ts): the warm-up events split evenly, the last job takes the remainder.
    StringBuilder warmupNs = new StringBuilder();
    for (int i = 0; i < warmupJobs; i++) {
      long count = i == warmupJobs - 1 ? warmup - (warmup / warmupJobs) * i : warmup / warmupJobs;
      long c = cpuNanos();
      job(count, keys);
      warmupNs.append(i == 0 ? "" : ",").append(count == 0 ? "null" : String.format("%.1f", (double) (cpuNanos() - c) / count));
    }
    long w0 = System.nanoTime(), c0 = cpuNanos();
    job(small, keys);
    long w1 = System.nanoTime(), c1 = cpuNanos();
    job(events, keys);
    long w2 = System.nanoTime(), c2 = cpuNanos();
    double seconds = ((w2 - w1) - (w1 - w0)) / 1e9, cpuSeconds = ((c2 - c1) - (c1 - c0)) / 1e9;
    long matches = outputs, sum = checksum;
    String checkpointBytes = withState ? String.valueOf(stateBytes(events, keys)) : "null";
    System.out.printf(
        "{\"engine\":\"flink\",\"keys\":%d,\"events\":%d,\"small\":%d,\"warmup\":%d,\"warmupJobs\":%d,\"warmupCpuNsPerEvent\":[%s],\"smallCpuNsPerEvent\":%s,\"seconds\":%.4f,\"cpuSeconds\":%.4f,"
            + "\"eventsPerSecond\":%.0f,\"eventsPerCpuSecond\":%.0f,\"matches\":%d,\"checksum\":%d,\"checkpointBytes\":%s,\"peakRssMB\":%.1f}%n",
        keys, events, small, warmup, warmupJobs, warmupNs, small == 0 ? "null" : String.format("%.1f", (c1 - c0) / (double) small), seconds, cpuSeconds, (events - small) / seconds, (events - small) / cpuSeconds, matches, sum, checkpointBytes, peakRssMB());
    cluster.close();
    System.exit(0);
  }
}
