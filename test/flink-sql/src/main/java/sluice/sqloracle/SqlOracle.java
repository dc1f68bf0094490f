package sluice.sqloracle;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs SQL scripts on Flink's own SQL engine and prints each script's last statement's changelog.
 * Every argument is a .sql file of statements separated by ';' at a line end; all but the last are
 * executed (DDL), the last is a query whose rows are printed one per line as
 * {@code ROW <kind> <json array>} between {@code CASE <file>} and {@code END} (or {@code ERROR <msg>}).
 * A last statement that is an INSERT (or EXECUTE STATEMENT SET) runs to its end and prints no rows:
 * the caller compares the files its sink wrote.
 * One JVM and one MiniCluster for all scripts: the planner's first compile costs seconds, later
 * ones well under one, and a local TableEnvironment would start (and leave behind the working
 * directory of) a MiniCluster of its own for every query; here each script's TableEnvironment
 * submits to the shared one through its REST endpoint (execution.target remote), as a SQL client
 * submits to a session cluster. Streaming mode, so results are changelogs as a continuous query
 * produces them; the inputs are bounded files, so every query ends.
 */
public final class SqlOracle {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  public static void main(String[] args) throws Exception {
    Configuration clusterConfig = new Configuration();
    clusterConfig.set(RestOptions.BIND_PORT, "0");
    MiniClusterConfiguration minicluster = new MiniClusterConfiguration.Builder().withRandomPorts().setConfiguration(clusterConfig).setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build();
    try (MiniCluster cluster = new MiniCluster(minicluster)) {
      cluster.start();
      URI rest = cluster.getRestAddress().get();
      Configuration client = new Configuration();
      client.set(DeploymentOptions.TARGET, "remote");
      client.set(RestOptions.ADDRESS, rest.getHost());
      client.set(RestOptions.PORT, rest.getPort());
      for (String file : args) {
        System.out.println("CASE " + file);
        try {
          runScript(Files.readString(Path.of(file)), client);
          System.out.println("END");
        } catch (Throwable t) {
          Throwable root = t;
          while (root.getCause() != null) root = root.getCause();
          System.out.println("ERROR " + (t.getMessage() + " / " + root.getMessage()).replace('\n', ' '));
        }
        System.out.flush();
      }
    }
  }

  private static final Pattern SET = Pattern.compile("(?is)^\\s*SET\\s+'([^']+)'\\s*=\\s*'([^']*)'\\s*$");

  private static void runScript(String text, Configuration client) throws Exception {
    TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(client).build());
    tEnv.getConfig().set("parallelism.default", "1");
    List<String> statements = split(text);
    for (int i = 0; i < statements.size() - 1; i++) {
      // SET 'key' = 'value' is the SQL Client's statement, not TableEnvironment.executeSql's: applied to the table config as the client does.
      Matcher set = SET.matcher(statements.get(i));
      if (set.matches()) tEnv.getConfig().set(set.group(1), set.group(2));
      else tEnv.executeSql(statements.get(i));
    }
    String last = statements.get(statements.size() - 1);
    TableResult result = tEnv.executeSql(last);
    if (last.replaceAll("(?m)^\\s*--.*$", "").strip().matches("(?is)^(INSERT|EXECUTE)\\s.*")) {
      result.await();
      return;
    }
    try (CloseableIterator<Row> rows = result.collect()) {
      while (rows.hasNext()) {
        Row row = rows.next();
        System.out.println("ROW " + row.getKind().shortString() + " " + json(row));
      }
    }
  }

  /** Statements end with ';' at a line end (the test's scripts are written that way). */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(";\\s*(\\n|$)")) {
      String s = part.strip();
      if (!s.isEmpty() && !s.lines().allMatch(l -> l.strip().startsWith("--") || l.isBlank())) out.add(s);
    }
    return out;
  }

  static String json(Row row) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < row.getArity(); i++) {
      if (i > 0) sb.append(',');
      Object v = row.getField(i);
      if (v == null) sb.append("null");
      else if (v instanceof Number || v instanceof Boolean) sb.append(v);
      else if (v instanceof LocalDateTime) sb.append('"').append(((LocalDateTime) v).format(TS)).append('"');
      else sb.append(quote(v.toString()));
    }
    return sb.append(']').toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
