/**
 * OVER aggregations, Top-N and deduplication (issue 18, queries item 5) against Flink itself: the
 * examples of Flink's docs as written (over-agg.md, topn.md; deduplication.md's on a rowtime, since
 * Sluice has no PROCTIME() yet) over small CSVs made for them, and cases over the shared `orders`.
 * Self-contained (no import from cases.ts, which imports this file).
 */
import type { OracleCase } from "../cases.js";

const ORDERS_DDL = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const onOrders = (name: string, isDefault: boolean, query: string): OracleCase => ({ name, default: isDefault, sql: `${ORDERS_DDL}${query};\n` });

/**
 * The Orders table of Flink's OVER docs. Rows 4 and 3 share a timestamp (peers of a RANGE window);
 * row 7 (B, 11:12) comes after the watermark passed 11:14:59 but B last fired at 11:10: the bounded
 * OVER operators keep it, the unbounded ones drop it; row 11 (A, 11:00) comes after A fired 11:15:
 * every OVER operator drops it. Row 13 ties C's row 8 on time: keep-last takes it, a Top-1 does not.
 */
const DOCS_ORDERS_CSV = `1,A,10,2024-01-01 10:00:00
2,B,5,2024-01-01 10:20:00
3,A,7,2024-01-01 10:30:00
4,A,3,2024-01-01 10:30:00
5,B,8,2024-01-01 11:10:00
6,A,2,2024-01-01 11:15:00
7,B,1,2024-01-01 11:12:00
8,C,4,2024-01-01 12:00:00
9,A,6,2024-01-01 12:29:59
11,A,9,2024-01-01 11:00:00
10,A,1,2024-01-01 13:00:00
12,B,2,2024-01-01 13:00:00
13,C,5,2024-01-01 12:00:00
`;
const DOCS_ORDERS_DDL = `CREATE TABLE Orders (order_id BIGINT, product STRING, amount INT, order_time TIMESTAMP(3), WATERMARK FOR order_time AS order_time - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '{docorders}', 'format' = 'csv');
`;
const onDocsOrders = (name: string, query: string): OracleCase => ({ name, default: false, sql: `${DOCS_ORDERS_DDL}${query};\n`, files: { docorders: DOCS_ORDERS_CSV } });

/** The ShopSales table of Flink's Top-N docs: ties in sales, more than five per category, better rows arriving late. */
const SHOP_SALES_CSV = `p1,toys,ball,10
p2,toys,kite,30
p3,toys,doll,20
p4,books,atlas,7
p5,toys,yoyo,30
p6,toys,top,5
p7,books,novel,12
p8,toys,drum,40
p9,toys,car,20
p10,books,poems,7
p11,toys,train,1
p12,toys,robot,35
p13,books,comic,3
p14,toys,puzzle,30
`;
const SHOP_SALES_DDL = `CREATE TABLE ShopSales (product_id STRING, category STRING, product_name STRING, sales BIGINT) WITH ('connector' = 'filesystem', 'path' = '{shopsales}', 'format' = 'csv');
`;
const onShopSales = (name: string, isDefault: boolean, query: string): OracleCase => ({ name, default: isDefault, sql: `${SHOP_SALES_DDL}${query};\n`, files: { shopsales: SHOP_SALES_CSV } });

const CASES: OracleCase[] = [
  // OVER aggregations (Flink's docs, over-agg.md, as written).
  onDocsOrders(
    "docs_over_range",
    `SELECT order_id, order_time, amount,
  SUM(amount) OVER (
    PARTITION BY product
    ORDER BY order_time
    RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW
  ) AS one_hour_prod_amount_sum
FROM Orders`,
  ),
  onDocsOrders(
    "docs_over_window_clause",
    `SELECT order_id, order_time, amount,
  SUM(amount) OVER w AS sum_amount,
  AVG(amount) OVER w AS avg_amount
FROM Orders
WINDOW w AS (
  PARTITION BY product
  ORDER BY order_time
  RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)`,
  ),
  onDocsOrders(
    "over_rows_peers",
    "SELECT order_id, product, COUNT(*) OVER w AS c, SUM(amount) OVER w AS s, MIN(amount) OVER w AS lo, MAX(order_id) OVER w AS hi FROM Orders WINDOW w AS (PARTITION BY product ORDER BY order_time ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
  ),
  onDocsOrders(
    "over_unbounded_range_peers",
    "SELECT order_id, SUM(amount) OVER (PARTITION BY product ORDER BY order_time) AS s, COUNT(amount) OVER (PARTITION BY product ORDER BY order_time) AS c FROM Orders",
  ),
  onDocsOrders("over_unbounded_rows_global", "SELECT order_id, amount, SUM(amount) OVER (ORDER BY order_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_sum FROM Orders"),
  onOrders(
    "over_rows_orders",
    false,
    "SELECT id, name, amount, SUM(amount) OVER (PARTITION BY name ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s, AVG(id) OVER (PARTITION BY name ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM orders",
  ),
  onOrders(
    "over_range_orders",
    true,
    "SELECT id, ts, MIN(amount) OVER w AS lo, MAX(amount) OVER w AS hi, COUNT(*) OVER w AS c, AVG(amount) OVER w AS a FROM orders WHERE amount > 1 WINDOW w AS (ORDER BY ts RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW)",
  ),
  onOrders("over_expression_of_aggregates", false, "SELECT id, amount - AVG(amount) OVER (PARTITION BY name ORDER BY ts RANGE UNBOUNDED PRECEDING) AS diff FROM orders"),
  // Top-N (Flink's docs, topn.md, as written).
  onShopSales(
    "docs_topn",
    true,
    `SELECT *
FROM (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY category ORDER BY sales DESC) AS row_num
  FROM ShopSales)
WHERE row_num <= 5`,
  ),
  onShopSales(
    "docs_topn_no_rownum",
    false,
    `SELECT product_id, category, product_name, sales  -- omit row_num field from the output
FROM (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY category ORDER BY sales DESC) AS row_num
  FROM ShopSales)
WHERE row_num <= 5`,
  ),
  onShopSales(
    "topn_global_asc_lt",
    false,
    "SELECT rn, product_name, sales FROM (SELECT product_name, sales, ROW_NUMBER() OVER (ORDER BY sales ASC, product_name DESC) AS rn FROM ShopSales) WHERE rn < 4",
  ),
  onShopSales(
    "topn_top1_no_rownum",
    false,
    "SELECT category, product_name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY sales DESC) AS rn FROM ShopSales WHERE sales > 5) WHERE rn = 1",
  ),
  onOrders("topn_orders", false, "SELECT * FROM (SELECT id, name, amount, ROW_NUMBER() OVER (PARTITION BY name ORDER BY amount DESC) AS rn FROM orders) WHERE 2 >= rn"),
  // Deduplication: deduplication.md's query with the rowtime for its proctime (no PROCTIME() yet).
  onDocsOrders(
    "docs_dedup_rowtime_first",
    `SELECT order_id, product, amount
FROM (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY product ORDER BY order_time ASC) AS row_num
  FROM Orders)
WHERE row_num = 1`,
  ),
  onDocsOrders("dedup_rowtime_last", "SELECT order_id, product, amount, order_time FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY product ORDER BY order_time DESC) AS rn FROM Orders) WHERE rn = 1"),
  // rownum shown with a rank range [1, 1] is the constant 1 (Flink's RankNumberColumnRemoveRule): still a deduplication, keeping row 13.
  onDocsOrders("top1_rowtime_with_rownum", "SELECT * FROM (SELECT order_id, product, order_time, ROW_NUMBER() OVER (PARTITION BY product ORDER BY order_time DESC) AS rn FROM Orders) WHERE rn = 1"),
  onOrders("dedup_orders_first", true, "SELECT id, name, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY ts) AS rn FROM orders) WHERE rn = 1"),
];

/** Top-N and deduplication are compared change by change (Flink's exact retractions), OVER as tables (ties between keys may interleave); window Top-N too, its windows fire in order. */
const EXACT = /^(docs_)?(topn|top1|dedup|window)/;
/** The Bid table of Flink's window Top-N and window deduplication docs (window-topn.md, window-deduplication.md), with its rows. */
const SUPPLIER_BID_CSV = `2020-04-15 08:05:00,4.00,A,supplier1
2020-04-15 08:06:00,4.00,C,supplier2
2020-04-15 08:07:00,2.00,G,supplier1
2020-04-15 08:08:00,2.00,B,supplier3
2020-04-15 08:09:00,5.00,D,supplier4
2020-04-15 08:11:00,2.00,B,supplier3
2020-04-15 08:13:00,1.00,E,supplier1
2020-04-15 08:15:00,3.00,H,supplier2
2020-04-15 08:17:00,6.00,F,supplier5
`;
const SUPPLIER_BID_DDL = `CREATE TABLE Bid (bidtime TIMESTAMP(3), price DECIMAL(10, 2), item STRING, supplier_id STRING, WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '{supplierbid}', 'format' = 'csv');
`;
const onSupplierBid = (name: string, query: string): OracleCase => ({ name, default: false, sql: `${SUPPLIER_BID_DDL}${query};\n`, files: { supplierbid: SUPPLIER_BID_CSV } });

const WINDOW_CASES: OracleCase[] = [
  onSupplierBid(
    "docs_window_topn_tvf",
    `SELECT *
  FROM (
    SELECT bidtime, price, item, supplier_id, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) as rownum
    FROM TABLE(
               TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  ) WHERE rownum <= 3`,
  ),
  onSupplierBid(
    "docs_window_topn_aggregate",
    `SELECT *
  FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) as rownum
    FROM (
      SELECT window_start, window_end, supplier_id, SUM(price) as price, COUNT(*) as cnt
      FROM TABLE(
        TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
      GROUP BY window_start, window_end, supplier_id
    )
  ) WHERE rownum <= 3`,
  ),
  onSupplierBid(
    "docs_window_dedup",
    `SELECT *
  FROM (
    SELECT bidtime, price, item, supplier_id, window_start, window_end,
      ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY bidtime DESC) AS rownum
    FROM TABLE(
               TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
  ) WHERE rownum <= 1`,
  ),
  onOrders(
    "window_topn_orders_late",
    false,
    "SELECT * FROM (SELECT id, name, amount, window_start, window_end, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY amount DESC) AS rn FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn <= 2",
  ),
  // Several keys per window fire at one watermark, in an order neither side defines: compared as tables.
  {
    ...onOrders(
      "window_dedup_first_orders",
      false,
      "SELECT id, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, name ORDER BY ts) AS rn FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '20' SECOND))) WHERE rn = 1",
    ),
    exactChangelog: false,
  },
];

export const OVER_CASES: OracleCase[] = [...CASES, ...WINDOW_CASES].map((c) => (EXACT.test(c.name) && c.exactChangelog !== false ? { ...c, exactChangelog: true } : c));
