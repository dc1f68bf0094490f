/**
 * Oracle cases of the %%ssql cell's own SQL (session 7): DISTINCT rows and DISTINCT aggregates,
 * in group, window and updating aggregates, each run by Flink 1.20.1 and by Sluice (oracle.ts).
 */
import type { OracleCase } from "../cases.js";

// cases.ts's orders table (not imported: cases.ts imports this file, so its constants are not yet set here).
const ORDERS_DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;

const c = (name: string, isDefault: boolean, query: string, extra = ""): OracleCase => ({ name, default: isDefault, sql: `${ORDERS_DDL}${extra}${query};\n` });

const PER_NAME = "(SELECT name, COUNT(*) AS c FROM orders GROUP BY name)";

export const CELL_CASES: OracleCase[] = [
  c("distinct_rows", true, "SELECT DISTINCT name FROM orders"),
  c("distinct_expressions", false, "SELECT DISTINCT name, amount > 5 AS big, id / 6 AS sixth FROM orders WHERE id > 2"),
  // -U of a count folds away a distinct row only when no other name holds the same count.
  c("distinct_over_updating", false, `SELECT DISTINCT c FROM ${PER_NAME}`),
  c("distinct_of_aggregate", false, "SELECT DISTINCT COUNT(*) AS c FROM orders GROUP BY name"),
  c(
    "count_distinct_group",
    false,
    "SELECT big, COUNT(DISTINCT name) AS names, SUM(DISTINCT sixth) AS s, AVG(DISTINCT sixth) AS a, COUNT(*) AS n FROM (SELECT amount > 5 AS big, name, id / 6 AS sixth FROM orders) GROUP BY big",
  ),
  c("count_distinct_global", false, "SELECT COUNT(DISTINCT name) AS names, SUM(DISTINCT MOD(id, 3)) AS s, MIN(DISTINCT amount) AS lo, COUNT(DISTINCT MOD(id, 4)) AS m FROM orders"),
  // Retractions: a count value leaves COUNT/SUM(DISTINCT) only when its last group moves off it.
  c("distinct_aggregates_over_updating", true, `SELECT COUNT(DISTINCT c) AS cs, SUM(DISTINCT c) AS s, MAX(DISTINCT c) AS hi, COUNT(c) AS n FROM ${PER_NAME}`),
  c(
    "tumble_count_distinct",
    true,
    "SELECT window_start, window_end, COUNT(DISTINCT name) AS names, SUM(DISTINCT MOD(id, 3)) AS s, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
  ),
  // Session windows merge: the merged window counts a name both halves saw once.
  c(
    "session_count_distinct",
    false,
    "SELECT window_start, window_end, COUNT(DISTINCT name) AS names, SUM(DISTINCT MOD(id, 2)) AS s FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end",
  ),
];
