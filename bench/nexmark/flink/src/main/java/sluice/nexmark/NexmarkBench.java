package sluice.nexmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import sluice.nexmark.Model.Event;

/**
 * Runs one Nexmark query on a local MiniCluster and prints one JSON line: events/s over the job's net
 * runtime (Flink's own measure, without cluster start-up), outputs, fingerprint and peak RSS.
 * Usage: NexmarkBench <q0..q8> <parallelism> <events> [eventsPerSecond]
 */
public final class NexmarkBench {
  static final int SEED = 42;
  static final long BASE_TIME = 1_700_000_000_000L;

  public static void main(String[] args) throws Exception {
    String query = args[0];
    int parallelism = Integer.parseInt(args[1]);
    long events = Long.parseLong(args[2]);
    double eventsPerSecond = args.length > 3 ? Double.parseDouble(args[3]) : 10_000;

    Configuration conf = new Configuration();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    // Flink's default copies records between chained operators; FLINK_OBJECT_REUSE=1 turns that off.
    if ("1".equals(System.getenv("FLINK_OBJECT_REUSE"))) env.getConfig().enableObjectReuse();
    DataStream<Event> stream = env
        .addSource(new NexmarkSource(events, eventsPerSecond), "nexmark")
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(4)).withTimestampAssigner((e, t) -> e.dateTime()));
    switch (query) {
      case "q0" -> Queries.q0(stream);
      case "q1" -> Queries.q1(stream);
      case "q2" -> Queries.q2(stream);
      case "q3" -> JoinQueries.q3(stream);
      case "q4" -> JoinQueries.q4(stream);
      case "q5" -> Queries.q5(stream);
      case "q6" -> JoinQueries.q6(stream);
      case "q7" -> Queries.q7(stream);
      case "q8" -> Queries.q8(stream);
      default -> throw new IllegalArgumentException("unknown query " + query);
    }
    long start = System.nanoTime();
    JobExecutionResult result = env.execute("nexmark " + query);
    double wallSeconds = (System.nanoTime() - start) / 1e9;
    double seconds = result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
    Long outputs = result.getAccumulatorResult("outputs");
    Long checksum = result.getAccumulatorResult("checksum");
    System.out.printf(
        "{\"engine\":\"flink\",\"query\":\"%s\",\"parallelism\":%d,\"events\":%d,\"seconds\":%.3f,\"wallSeconds\":%.3f,\"eventsPerSecond\":%.0f,\"outputs\":%d,\"checksum\":%d,\"peakRssMB\":%.1f}%n",
        query, parallelism, events, seconds, wallSeconds, events / seconds, outputs == null ? 0 : outputs, checksum == null ? 0 : checksum % CountingSink.MOD, peakRssMB());
  }

  /** VmHWM of this process (Linux): the peak resident set, comparable with Node's maxRSS. */
  private static double peakRssMB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return Double.NaN;
  }
}
