package sluice.nexmark;

import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Flink's EXPLAIN of nexmark's q*.sql, for the plan-parity table (bench/nexmark/planParity.ts): the same
 * views, options and statements as SqlConformance (the final INSERT replaced by its SELECT), planned,
 * not run. Prints, per query, {@code CASE qN}, the optimized execution plan's lines, then {@code END} or
 * {@code ERROR <message>}.
 * Usage: SqlExplain <tmpDir> q0 q1 …
 */
public final class SqlExplain {
  public static void main(String[] args) throws Exception {
    String tmp = args[0];
    for (String query : List.of(args).subList(1, args.length)) {
      System.out.println("CASE " + query);
      try {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = SqlQueries.tables(env, 1000, 10000, -1);
        List<String> statements = SqlQueries.statements(query + ".sql");
        for (int i = 0; i < statements.size() - 1; i++) {
          tEnv.executeSql(statements.get(i).replace("${NEXMARK_DIR}", tmp).replace("${SUBMIT_TIME}", "0").replace("${FLINK_HOME}", tmp));
        }
        String insert = statements.get(statements.size() - 1);
        String select = insert.replaceFirst("(?is)^\\s*INSERT\\s+INTO\\s+\\w+\\s*", "");
        System.out.println(executionPlan(tEnv.explainSql(select)));
        System.out.println("END");
      } catch (Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        System.out.println("ERROR " + (t.getMessage() + " / " + root.getMessage()).replace('\n', ' '));
      }
      System.out.flush();
    }
    System.exit(0);
  }

  /** The "== Optimized Execution Plan ==" section of an EXPLAIN text: the physical plan with shared sub-plans shown once (Reused). */
  static String executionPlan(String explain) {
    String title = "== Optimized Execution Plan ==";
    int from = explain.indexOf(title);
    return (from < 0 ? explain : explain.substring(from + title.length())).strip();
  }
}
