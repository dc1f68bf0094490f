/**
 * Joins (issue 18, item 4) against Flink itself: interval joins (inner and outer) and regular joins
 * (inner and outer, over append-only and updating inputs). Every input is in event-time order
 * within its watermark delay, so which rows meet does not depend on how Flink and Sluice interleave
 * the two sources (a late row would: whether it is still buffered depends on the other side's watermark).
 */
import type { OracleCase } from "../cases.js";

/** Orders with rowtime; order 9 has no product (NULL key: it never matches). */
export const JOIN_ORDERS_CSV =
  [
    "1,apple,10,2024-01-01 00:00:00.000",
    "2,pear,5,2024-01-01 00:00:10.000",
    "3,apple,7,2024-01-01 00:00:20.000",
    "4,plum,3,2024-01-01 00:00:28.000",
    "5,pear,8,2024-01-01 00:00:40.000",
    "6,kiwi,2,2024-01-01 00:00:50.000",
    "7,apple,4,2024-01-01 00:01:00.000",
    "9,,6,2024-01-01 00:01:05.000",
    "8,plum,9,2024-01-01 00:01:20.000",
  ].join("\n") + "\n";

/** Shipments of orders: in time, too late, twice, of no order, before their order. */
export const SHIPMENTS_CSV =
  [
    "100,1,2024-01-01 00:00:05.000",
    "102,3,2024-01-01 00:00:25.000",
    "103,3,2024-01-01 00:00:45.000",
    "101,2,2024-01-01 00:00:50.000",
    "104,42,2024-01-01 00:00:55.000",
    "106,7,2024-01-01 00:00:58.000",
    "105,5,2024-01-01 00:01:05.000",
    "107,8,2024-01-01 00:01:30.000",
  ].join("\n") + "\n";

/** A dimension table without time; `fig` has no orders, `kiwi` is missing. */
export const PRODUCTS_CSV = ["apple,fruit,1.0", "pear,fruit,1.5", "plum,stone,2.0", "fig,dried,3.0"].join("\n") + "\n";

export const DDL = `CREATE TABLE Orders (id INT, product STRING, amount INT, order_time TIMESTAMP(3), WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{orders_j}', 'format' = 'csv', 'csv.null-literal' = '');
CREATE TABLE Shipments (id INT, order_id INT, ship_time TIMESTAMP(3), WATERMARK FOR ship_time AS ship_time - INTERVAL '5' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{shipments}', 'format' = 'csv');
CREATE TABLE Products (name STRING, category STRING, price DOUBLE)
WITH ('connector' = 'filesystem', 'path' = '{products}', 'format' = 'csv');
`;

export const files = { orders_j: JOIN_ORDERS_CSV, shipments: SHIPMENTS_CSV, products: PRODUCTS_CSV };
const j = (name: string, isDefault: boolean, query: string, extra = ""): OracleCase => ({ name, default: isDefault, sql: `${DDL}${extra}${query};\n`, files });

export const JOIN_CASES: OracleCase[] = [
  // Flink's docs (joins.md, "Interval Joins"), as written there but for a 30 s bound.
  j("interval_docs_comma", true, "SELECT * FROM Orders o, Shipments s WHERE o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time"),
  j(
    "interval_inner",
    false,
    "SELECT o.id, o.product, s.id AS sid, s.ship_time FROM Orders AS o JOIN Shipments AS s ON o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time",
  ),
  j(
    "interval_left",
    true,
    "SELECT o.id, s.id, o.order_time, s.ship_time FROM Orders o LEFT JOIN Shipments s ON o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time",
  ),
  j(
    "interval_right",
    false,
    "SELECT o.id, s.id, s.order_id FROM Orders o RIGHT OUTER JOIN Shipments s ON o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time",
  ),
  j(
    "interval_full",
    false,
    "SELECT o.id, o.amount, s.id, s.order_id FROM Orders o FULL OUTER JOIN Shipments s ON o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time",
  ),
  j(
    "interval_strict_bounds_rest",
    false,
    "SELECT o.id, s.id FROM Orders o JOIN Shipments s ON s.order_id = o.id AND s.ship_time > o.order_time AND s.ship_time < o.order_time + INTERVAL '25' SECOND AND o.amount > 4",
  ),
  j("interval_no_keys", false, "SELECT o.id, s.id FROM Orders o, Shipments s WHERE o.order_time BETWEEN s.ship_time - INTERVAL '4' SECOND AND s.ship_time + INTERVAL '1' SECOND"),
  j(
    "interval_then_tumble",
    false,
    "SELECT window_start, window_end, COUNT(*) AS c, SUM(amount) AS s FROM TABLE(TUMBLE(TABLE shipped, DESCRIPTOR(order_time), INTERVAL '30' SECOND)) GROUP BY window_start, window_end",
    "CREATE VIEW shipped AS SELECT o.id, o.amount, o.order_time FROM Orders o, Shipments s WHERE o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time;\n",
  ),
  j(
    "interval_left_then_tumble",
    false,
    "SELECT window_start, window_end, COUNT(*) AS c, COUNT(sid) AS shipped FROM TABLE(TUMBLE(TABLE maybe_shipped, DESCRIPTOR(order_time), INTERVAL '20' SECOND)) GROUP BY window_start, window_end",
    "CREATE VIEW maybe_shipped AS SELECT o.id, o.order_time, s.id AS sid FROM Orders o LEFT JOIN Shipments s ON o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '30' SECOND AND s.ship_time;\n",
  ),
  j("regular_inner", true, "SELECT o.id, o.product, p.category, o.amount * p.price AS total FROM Orders o JOIN Products p ON o.product = p.name"),
  j("regular_left", true, "SELECT o.id, p.name, p.price FROM Orders o LEFT JOIN Products p ON o.product = p.name"),
  j("regular_right", false, "SELECT o.id, p.name FROM Orders o RIGHT JOIN Products p ON o.product = p.name"),
  j("regular_full", false, "SELECT o.id, o.product, p.name FROM Orders o FULL OUTER JOIN Products p ON o.product = p.name"),
  j("regular_rest_condition", false, "SELECT o.id, p.name FROM Orders o LEFT JOIN Products p ON o.product = p.name AND o.amount * p.price > 7"),
  j("regular_star_duplicate_names", false, "SELECT * FROM Orders o JOIN Shipments s ON o.id = s.order_id"),
  j(
    "regular_updating_inputs",
    true,
    "SELECT p.name, c.cnt, c.total FROM (SELECT product, COUNT(*) AS cnt, SUM(amount) AS total FROM Orders GROUP BY product) c RIGHT JOIN Products p ON c.product = p.name",
  ),
  j(
    "regular_both_updating_full",
    false,
    "SELECT a.product, a.cnt, b.shipped FROM (SELECT product, COUNT(*) AS cnt FROM Orders GROUP BY product) a FULL JOIN (SELECT o.product, COUNT(*) AS shipped FROM Orders o JOIN Shipments s ON o.id = s.order_id GROUP BY o.product) b ON a.product = b.product",
  ),
  j("regular_then_group", false, "SELECT p.category, COUNT(*) AS c, SUM(o.amount) AS s FROM Orders o JOIN Products p ON o.product = p.name GROUP BY p.category"),
  j("regular_three_way", false, "SELECT o.id, p.category, s.id FROM Orders o JOIN Products p ON o.product = p.name LEFT JOIN Shipments s ON s.order_id = o.id"),
];
