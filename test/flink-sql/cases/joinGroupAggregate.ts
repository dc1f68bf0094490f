/**
 * A GROUP BY over an inner join of append-only inputs that holds a column of every equality key: Sluice
 * runs the two as one operator (engine/src/sql/joins/joinGroupAggregate.ts; nexmark q4's inner query),
 * Flink as Join → GroupAggregate. Both must give the same table: several matches per key on both sides,
 * a NULL key, a NULL value after numbers, two groups of one integer key, a string aggregate, a NULL group column, the rest of ON, HAVING, a composite key, an expression key, an expression in the GROUP BY,
 * and the shapes it must not fuse (the key not grouped, DISTINCT). The GROUP BY cases run again in
 * mini-batches (cases/miniBatch.ts).
 */
import type { OracleCase } from "../cases.js";
import { DDL, files } from "./joins.js";

const j = (name: string, isDefault: boolean, query: string): OracleCase => ({ name, default: isDefault, sql: `${DDL}${query};\n`, files });

export const JOIN_GROUP_AGGREGATE_CASES: OracleCase[] = [
  // A self-join: every product's orders meet each other; order 9's NULL product meets none.
  j(
    "join_group_all_aggregates",
    true,
    "SELECT a.product, b.id, COUNT(*) AS c, COUNT(a.id) AS ca, SUM(a.amount) AS s, MIN(a.amount) AS lo, MAX(a.order_time) AS hi, AVG(a.amount) AS av FROM Orders a JOIN Orders b ON a.product = b.product GROUP BY a.product, b.id",
  ),
  // Grouped by the right side's key column; the rest of ON from WHERE; HAVING drops groups.
  j(
    "join_group_rest_having",
    true,
    "SELECT b.product, MAX(a.amount) AS m, COUNT(*) AS c FROM Orders a, Orders b WHERE a.product = b.product AND a.amount < b.amount + 3 GROUP BY b.product HAVING COUNT(*) > 1",
  ),
  // Nexmark q4's shape: MAX per order and product of the shipments of its interval, then AVG per product.
  j(
    "join_group_q4_interval_shape",
    false,
    "SELECT Q.product, AVG(Q.final) AS a, COUNT(*) AS n FROM (SELECT MAX(s.id) AS final, o.product FROM Orders o, Shipments s WHERE o.id = s.order_id AND s.ship_time >= o.order_time AND s.ship_time <= o.order_time + INTERVAL '1' MINUTE GROUP BY o.id, o.product) Q GROUP BY Q.product",
  ),
  // A composite key, one column of it grouped from each side; an expression grouped beside them.
  j(
    "join_group_composite_key",
    false,
    "SELECT a.product, b.amount % 2 AS odd, SUM(b.amount) AS s, COUNT(*) AS c FROM Orders a JOIN Orders b ON a.product = b.product AND a.amount / 3 = b.amount / 3 GROUP BY a.product, a.amount / 3, b.amount % 2",
  ),
  // The key an expression on one side, the other side's column grouped.
  j("join_group_expression_key", false, "SELECT s.order_id, COUNT(*) AS c, MIN(o.amount) AS lo FROM Orders o JOIN Shipments s ON o.id + 0 = s.order_id GROUP BY s.order_id"),
  // A kept column's NULL after numbers (order 9, the 8th row): the side's store of numbers keeps it NULL, not 0 (joins/rowArena.ts).
  j(
    "join_group_null_after_numbers",
    false,
    "SELECT o.id, COUNT(o.amount) AS c, SUM(o.amount) AS s, MIN(o.amount) AS lo, COUNT(*) AS n FROM (SELECT id, CASE WHEN product IS NULL THEN CAST(NULL AS INT) ELSE amount END AS amount FROM Orders) o JOIN Orders b ON o.id = b.id GROUP BY o.id",
  ),
  // An integer key's groups in typed arrays (joins/typedGroups.ts) until they do not fit: order 3's two
  // shipments are two groups of one key (the second beside the typed first); MAX of a string moves a group
  // to an object at its first row; order 9's NULL product, a group key column that is not a number.
  j(
    "join_group_two_groups_per_key",
    false,
    "SELECT o.id, s.id AS sid, COUNT(*) AS c, MAX(s.ship_time) AS t, SUM(o.amount) AS a FROM Orders o JOIN Shipments s ON o.id = s.order_id GROUP BY o.id, s.id",
  ),
  j("join_group_string_aggregate", false, "SELECT o.id, MAX(b.product) AS p, MIN(b.amount) AS lo, COUNT(*) AS c FROM Orders o JOIN Orders b ON o.id = b.id GROUP BY o.id"),
  j("join_group_null_group_column", false, "SELECT a.id, a.product, SUM(b.amount) AS s, COUNT(*) AS c FROM Orders a JOIN Orders b ON a.id = b.id GROUP BY a.id, a.product"),
  // Not fused (the key is not grouped; DISTINCT): still Flink's table.
  j("join_group_key_not_grouped", false, "SELECT a.amount, COUNT(*) AS c FROM Orders a JOIN Orders b ON a.product = b.product GROUP BY a.amount"),
  // Two grouped columns of one name, one from each side (not fused: the key is not grouped).
  j("join_group_same_names", false, "SELECT a.amount, b.amount, COUNT(*) AS c FROM Orders a JOIN Orders b ON a.product = b.product GROUP BY a.amount, b.amount"),
  j("join_group_distinct", false, "SELECT a.product, COUNT(DISTINCT b.amount) AS c FROM Orders a JOIN Orders b ON a.product = b.product GROUP BY a.product"),
];
