package sluice.nexmark;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.Row;

/**
 * Nexmark q0–q8 in Flink SQL: the nexmark repository's own statements (resources/nexmark-sql, see its
 * README for where each file came from) over a `datagen` view with the columns, computed `dateTime` and
 * watermark of its ddl_gen.sql, fed by this harness's generator. Table options are the ones the nexmark
 * repository's config.yaml sets for its runs (mini-batch); state stays on the heap (as on the other two
 * columns) rather than in RocksDB.
 */
final class SqlQueries {
  private SqlQueries() {}

  /** The table options of nexmark's conf/config.yaml that apply to a query. */
  static final Map<String, String> OPTIONS = Map.of(
      "table.exec.mini-batch.enabled", "true",
      "table.exec.mini-batch.allow-latency", "2s",
      "table.exec.mini-batch.size", "50000",
      "table.optimizer.distinct-agg.split.enabled", "true");

  /** Timed form: the query file as nexmark runs it (INSERT INTO a blackhole table); no output count. */
  static long[] run(String query, int parallelism, long count, double eventsPerSecond, long sampleAt) throws Exception {
    StreamExecutionEnvironment env = NexmarkBench.environment(parallelism);
    StreamTableEnvironment tEnv = tables(env, count, eventsPerSecond, sampleAt);
    List<String> statements = query.equals("gen")
        ? List.of("CREATE TABLE nexmark_gen (event_type INT) WITH ('connector' = 'blackhole')", "INSERT INTO nexmark_gen SELECT event_type FROM datagen")
        : statements(query + ".sql");
    for (int i = 0; i < statements.size() - 1; i++) tEnv.executeSql(statements.get(i));
    // The INSERT goes into env's graph, so it runs on the process's MiniCluster like the DataStream jobs.
    StreamStatementSet insert = tEnv.createStatementSet();
    insert.addInsertSql(statements.get(statements.size() - 1));
    insert.attachAsDataStream();
    return NexmarkBench.execute(env);
  }

  /**
   * Oracle form: the SELECT of the query file with a counting sink and the fingerprint the DataStream
   * twins compute, so Sluice's results can be checked against Flink SQL's. Insert-only queries only.
   */
  static long[] check(String query, int parallelism, long count, double eventsPerSecond) throws Exception {
    StreamExecutionEnvironment env = NexmarkBench.environment(parallelism);
    StreamTableEnvironment tEnv = tables(env, count, eventsPerSecond, -1);
    List<String> statements = statements(query + ".sql");
    String insert = statements.get(statements.size() - 1);
    String select = insert.substring(insert.indexOf('\n') + 1); // drop "INSERT INTO nexmark_qN"
    Table result = tEnv.sqlQuery(select);
    DataStream<Row> rows = tEnv.toDataStream(result);
    rows.addSink(new CountingSink<Row>(fingerprint(query)));
    return NexmarkBench.execute(env);
  }

  /** The same per-row fingerprints as bench/nexmark/queries/*.ts `check`. */
  static CountingSink.Check<Row> fingerprint(String query) {
    return switch (query) {
      case "q0" -> r -> (Long) r.getField(0) + (Long) r.getField(1) + (Long) r.getField(2);
      case "q1" -> r -> ((BigDecimal) r.getField(2)).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValue();
      case "q2", "q5", "q7" -> r -> (Long) r.getField(0) + (Long) r.getField(1);
      case "q3" -> r -> (Long) r.getField(3);
      case "q8" -> r -> (Long) r.getField(0);
      default -> throw new IllegalArgumentException(query + " is not insert-only in Flink SQL (or not run): no row-by-row fingerprint");
    };
  }

  static StreamTableEnvironment tables(StreamExecutionEnvironment env, long count, double eventsPerSecond, long sampleAt) throws IOException {
    StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
    OPTIONS.forEach((k, v) -> tEnv.getConfig().set(k, v));
    DataStream<RowData> events = env.addSource(new NexmarkSource<RowData>(count, eventsPerSecond, EventRows::of, sampleAt), "nexmark", EventRows.typeInfo());
    // ddl_gen.sql's computed event time and watermark.
    Schema schema = Schema.newBuilder()
        .columnByExpression("dateTime", "CASE WHEN event_type = 0 THEN person.`dateTime` WHEN event_type = 1 THEN auction.`dateTime` ELSE bid.`dateTime` END")
        .watermark("dateTime", "`dateTime` - INTERVAL '4' SECOND")
        .build();
    tEnv.createTemporaryView("datagen", tEnv.fromDataStream(events, schema));
    for (String view : statements("ddl_views.sql")) tEnv.executeSql(view.replace("${NEXMARK_TABLE}", "datagen"));
    return tEnv;
  }

  /** The statements of a resource file, comments and blank lines dropped, split at ';'. */
  static List<String> statements(String file) throws IOException {
    String text;
    try (InputStream in = SqlQueries.class.getResourceAsStream("/nexmark-sql/" + file)) {
      if (in == null) throw new IOException("no resource nexmark-sql/" + file);
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    StringBuilder sql = new StringBuilder();
    for (String line : text.split("\n")) {
      String code = line.contains("--") ? line.substring(0, line.indexOf("--")) : line;
      if (!code.isBlank()) sql.append(code.stripTrailing()).append('\n');
    }
    List<String> out = new ArrayList<>();
    for (String s : sql.toString().split(";")) if (!s.isBlank()) out.add(s.strip());
    return out;
  }
}
