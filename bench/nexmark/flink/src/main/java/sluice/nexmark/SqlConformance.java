package sluice.nexmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Nexmark's q*.sql on Flink SQL for the conformance table (bench/nexmark/sqlConformance.ts): the query
 * file's statements as nexmark runs them over the `datagen` view of SqlQueries (this harness's generator,
 * the twin of Sluice's), except that the final INSERT INTO a blackhole table is replaced by its SELECT
 * collected here (as SqlQueries.check does). Prints, per query, {@code CASE qN}, one
 * {@code ROW <kind> <json array>} per change, then {@code END} or {@code ERROR <message>}. An INSERT
 * into a filesystem table (q10) runs as written, into {@code <tmpDir>} for {@code ${NEXMARK_DIR}}, and
 * prints no rows: the caller compares the files.
 * Usage: SqlConformance <events> <eventsPerSecond> <tmpDir> q0 q1 …
 */
public final class SqlConformance {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  public static void main(String[] args) throws Exception {
    long events = Long.parseLong(args[0]);
    double eps = Double.parseDouble(args[1]);
    String tmp = args[2];
    for (String query : List.of(args).subList(3, args.length)) {
      System.out.println("CASE " + query);
      try {
        run(query, events, eps, tmp);
        System.out.println("END");
      } catch (Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        System.out.println("ERROR " + (t.getMessage() + " / " + root.getMessage()).replace('\n', ' '));
      }
      System.out.flush();
    }
    System.exit(0); // a local cluster's threads may linger
  }

  private static void run(String query, long events, double eps, String tmp) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    StreamTableEnvironment tEnv = SqlQueries.tables(env, events, eps, -1);
    List<String> statements = SqlQueries.statements(query + ".sql");
    // nexmark's runner fills these in for q10 (a filesystem sink) and q13 (its side input file).
    for (int i = 0; i < statements.size() - 1; i++) {
      String ddl = statements.get(i).replace("${NEXMARK_DIR}", tmp).replace("${SUBMIT_TIME}", "0").replace("${FLINK_HOME}", tmp);
      tEnv.executeSql(ddl);
    }
    String insert = statements.get(statements.size() - 1);
    String target = insert.replaceFirst("(?is)^\\s*INSERT\\s+INTO\\s+(\\w+).*", "$1");
    boolean fileSink = statements.stream().anyMatch(s -> s.matches("(?is)\\s*CREATE\\s+TABLE\\s+" + target + "\\s*\\(.*'connector'\\s*=\\s*'filesystem'.*"));
    if (fileSink) {
      tEnv.executeSql(insert).await();
      return;
    }
    String select = insert.replaceFirst("(?is)^\\s*INSERT\\s+INTO\\s+\\w+\\s*", "");
    TableResult result = tEnv.executeSql(select);
    try (CloseableIterator<Row> rows = result.collect()) {
      while (rows.hasNext()) {
        Row row = rows.next();
        System.out.println("ROW " + row.getKind().shortString() + " " + json(row));
      }
    }
  }

  static String json(Row row) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < row.getArity(); i++) {
      if (i > 0) sb.append(',');
      Object v = row.getField(i);
      if (v == null) sb.append("null");
      else if (v instanceof Number || v instanceof Boolean) sb.append(v);
      else if (v instanceof LocalDateTime) sb.append('"').append(((LocalDateTime) v).format(TS)).append('"');
      else {
        sb.append('"');
        for (char c : v.toString().toCharArray()) {
          if (c == '"' || c == '\\') sb.append('\\').append(c);
          else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
        sb.append('"');
      }
    }
    return sb.append(']').toString();
  }
}
