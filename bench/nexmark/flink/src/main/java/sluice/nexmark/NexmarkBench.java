package sluice.nexmark;

import java.time.Duration;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import sluice.nexmark.Model.Event;

/**
 * Runs one Nexmark query on a local MiniCluster, timed as Measure describes, and prints one JSON line.
 * `datastream`: the queries written on the DataStream API as the TypeScript ones (Queries, JoinQueries);
 * `sql`: the nexmark repository's q*.sql over the same generator (SqlQueries). Query `gen` is the
 * generator alone (source, watermarks, a counting sink): the pipeline's physical limit.
 * Object reuse is on, as a Flink engineer would run a benchmark (the default deep-copies each record
 * between chained operators).
 * Usage: NexmarkBench <datastream|sql> <gen|q0..q8> <parallelism> <events> <eventsPerSecond> <warmup> <small> [warmupJobs=4]
 */
public final class NexmarkBench {
  static final int SEED = 42;
  static final long BASE_TIME = 1_700_000_000_000L;

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // the MiniCluster's threads would keep the JVM alive
    }
    System.exit(0); // the MiniCluster's threads may linger; the result is printed
  }

  private static void run(String[] args) throws Exception {
    String api = args[0];
    String query = args[1];
    int parallelism = Integer.parseInt(args[2]);
    long events = Long.parseLong(args[3]);
    double eventsPerSecond = Double.parseDouble(args[4]);
    long warmup = Long.parseLong(args[5]);
    long small = Long.parseLong(args[6]);
    int warmupJobs = args.length > 7 ? Integer.parseInt(args[7]) : 4; // as run.ts --warmup-jobs
    Measure.Job job = switch (api) {
      case "datastream" -> (count, sampleAt) -> dataStreamJob(query, parallelism, count, eventsPerSecond, sampleAt);
      case "sql" -> (count, sampleAt) -> SqlQueries.run(query, parallelism, count, eventsPerSecond, sampleAt);
      case "sql-check" -> (count, sampleAt) -> SqlQueries.check(query, parallelism, count, eventsPerSecond);
      default -> throw new IllegalArgumentException("unknown API " + api + "; datastream or sql");
    };
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0"); // any free port: another Flink on this machine may hold 8081
    cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
    cluster.start();
    Measure.measure("flink-" + api, query, parallelism, warmup, warmupJobs, small, events, job);
  }

  /**
   * One MiniCluster per process, as a Flink session cluster: every job of the run is submitted to it,
   * so no job pays a cluster start (a local environment starts one per job, seconds on a loaded machine).
   */
  private static MiniCluster cluster;

  static StreamExecutionEnvironment environment(int parallelism) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    env.setParallelism(parallelism);
    env.getConfig().enableObjectReuse();
    return env;
  }

  /** Runs the job built on `env` on the process's MiniCluster; returns {outputs, checksum} of its CountingSink. */
  static long[] execute(StreamExecutionEnvironment env) throws Exception {
    JobExecutionResult result = cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
    Long outputs = result.getAccumulatorResult("outputs");
    Long checksum = result.getAccumulatorResult("checksum");
    return new long[] {outputs == null ? -1 : outputs, checksum == null ? 0 : checksum % CountingSink.MOD};
  }

  static long[] dataStreamJob(String query, int parallelism, long count, double eventsPerSecond, long sampleAt) throws Exception {
    StreamExecutionEnvironment env = environment(parallelism);
    DataStream<Event> stream = env
        .addSource(new NexmarkSource<Event>(count, eventsPerSecond, e -> e, sampleAt), "nexmark")
        .returns(Event.class)
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(4)).withTimestampAssigner((e, t) -> e.dateTime()));
    switch (query) {
      case "gen" -> stream.addSink(new CountingSink<>(e -> 0L));
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
    return execute(env);
  }
}
