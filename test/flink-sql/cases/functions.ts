/**
 * Oracle cases of user-defined functions and the time-part functions (nexmark q14's CREATE FUNCTION
 * and HOUR): the nexmark UDF class com.github.nexmark.flink.udf.CountChar is on the oracle's classpath
 * (compiled from bench/nexmark/flink-udf, which the Nexmark harness shares) and shipped by Sluice in TypeScript (engine/src/sql/functions/).
 */
import type { OracleCase } from "../cases.js";

// cases.ts's orders table (not imported: cases.ts imports this file, so its constants are not yet set here).
const ORDERS_DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const COUNT_CHAR = "CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';\n";
const c = (name: string, isDefault: boolean, sql: string): OracleCase => ({ name, default: isDefault, sql: `${ORDERS_DDL}${sql};\n` });

export const FUNCTION_CASES: OracleCase[] = [
  c("udf_count_char", true, `${COUNT_CHAR}SELECT id, name, count_char(name, 'a') AS a, count_char(CONCAT(name, name), 'l') AS l FROM orders WHERE count_char(name, 'o') = 0`),
  // A TEMPORARY SYSTEM function in an aggregate's argument and a GROUP BY key; a temporary function of the same class under another name.
  c(
    "udf_temporary_in_aggregate",
    false,
    "CREATE TEMPORARY SYSTEM FUNCTION cc AS 'com.github.nexmark.flink.udf.CountChar' LANGUAGE JAVA;\nCREATE TEMPORARY FUNCTION IF NOT EXISTS cc2 AS 'com.github.nexmark.flink.udf.CountChar';\nSELECT cc(name, 'e') AS es, SUM(cc2(name, 'a')) AS total_a, COUNT(*) AS n FROM orders GROUP BY cc(name, 'e')",
  ),
  // A view over the function, created after it; DROP then CREATE again.
  c(
    "udf_view_after_drop",
    false,
    `${COUNT_CHAR}DROP FUNCTION count_char;\n${COUNT_CHAR}CREATE VIEW v AS SELECT name, count_char(name, 'b') AS b FROM orders;\nSELECT name, MAX(b) AS b FROM v GROUP BY name`,
  ),
  { ...c("udf_unknown_after_drop", false, `${COUNT_CHAR}DROP FUNCTION count_char;\nSELECT count_char(name, 'a') FROM orders`), error: /No match found for function signature count_char\(/ },
  // Flink's messages; an unknown class fails the CREATE in Sluice, the first call in Flink.
  { ...c("udf_create_twice", false, `${COUNT_CHAR}${COUNT_CHAR}SELECT id FROM orders`), error: /Function default_database\.count_char already exists in Catalog default_catalog/ },
  { ...c("udf_drop_missing", false, "DROP TEMPORARY FUNCTION nope;\nSELECT id FROM orders"), error: /Temporary catalog function `default_catalog`\.`default_database`\.`nope` doesn't exist/ },
  { ...c("udf_drop_system_missing", false, "DROP TEMPORARY SYSTEM FUNCTION nope;\nSELECT id FROM orders"), error: /Could not drop temporary system function\. A function named 'nope' doesn't exist/ },
  {
    ...c("udf_missing_class", false, "CREATE FUNCTION f AS 'com.acme.Missing';\nSELECT f(name) FROM orders"),
    error: /Cannot instantiate user-defined function '(default_catalog\.default_database\.)?f'/,
  },
  {
    ...c(
      "udf_create_temporary_twice",
      false,
      "CREATE TEMPORARY FUNCTION f AS 'com.github.nexmark.flink.udf.CountChar';\nCREATE TEMPORARY FUNCTION f AS 'com.github.nexmark.flink.udf.CountChar';\nSELECT id FROM orders",
    ),
    error: /Could not register temporary catalog function\. A function 'default_catalog\.default_database\.f' does already exist/,
  },
  {
    ...c(
      "udf_create_system_twice",
      false,
      "CREATE TEMPORARY SYSTEM FUNCTION f AS 'com.github.nexmark.flink.udf.CountChar';\nCREATE TEMPORARY SYSTEM FUNCTION f AS 'com.github.nexmark.flink.udf.CountChar';\nSELECT id FROM orders",
    ),
    error: /does already exist/,
  },
  { ...c("udf_drop_catalog_missing", false, "DROP FUNCTION nope;\nSELECT id FROM orders"), error: /Function default_database\.nope does not exist in Catalog default_catalog/ },
  // nexmark q14's CASE over HOUR, on times moved into the hours it buckets.
  c(
    "time_parts",
    true,
    "SELECT id, HOUR(t) AS h, MINUTE(t) AS mi, SECOND(t) AS s, YEAR(t) AS y, QUARTER(t) AS q, MONTH(t) AS mo, WEEK(t) AS w, DAYOFYEAR(t) AS dy, DAYOFMONTH(t) AS dm, DAYOFWEEK(t) AS dw, CASE WHEN HOUR(t) >= 8 AND HOUR(t) <= 18 THEN 'dayTime' WHEN HOUR(t) <= 6 OR HOUR(t) >= 20 THEN 'nightTime' ELSE 'otherTime' END AS bidTimeType FROM (SELECT id, ts + INTERVAL '7' HOUR AS t FROM orders UNION ALL SELECT id, ts + INTERVAL '19' HOUR + INTERVAL '59' MINUTE FROM orders UNION ALL SELECT id, ts + INTERVAL '45' DAY - INTERVAL '5' HOUR FROM orders)",
  ),
  c(
    "extract_parts",
    false,
    "SELECT id, EXTRACT(HOUR FROM t) AS h, EXTRACT(MINUTE FROM t) AS mi, EXTRACT(SECOND FROM t) AS s, EXTRACT(YEAR FROM t) AS y, EXTRACT(QUARTER FROM t) AS q, EXTRACT(MONTH FROM t) AS mo, EXTRACT(WEEK FROM t) AS w, EXTRACT(DAY FROM t) AS d, EXTRACT(DOY FROM t) AS doy, EXTRACT(DOW FROM t) AS dow FROM (SELECT id, ts + INTERVAL '45' DAY - INTERVAL '5' HOUR AS t FROM orders)",
  ),
];
