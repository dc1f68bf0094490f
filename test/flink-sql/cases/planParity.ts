/**
 * Nexmark q7's shape against Flink itself (bench/nexmark/planParity.ts has the plans side by side): bids
 * joined with each 10 s window's highest price on `price = maxprice` and `dateTime BETWEEN window_end -
 * 10 s AND window_end`. Flink plans it as a regular join (window_end is no time attribute), so a late
 * bid still meets a window's row that fired long before; Sluice frees the bids' state by the watermark
 * (joins/planBoundedJoin.ts) and must give the same rows. The bids: a tie at a window's maximum, a bid
 * on a window's end (it meets two windows), and bids 10–20 s late (dropped by the window aggregate, met
 * by the join) — an interval join would miss those. With window_time (a time attribute) it is an
 * interval join in both (compared without the late bids: which of them Flink's interval join meets
 * depends on how its two inputs interleave).
 */
import type { OracleCase } from "../cases.js";

export const Q7_BIDS_CSV =
  [
    "1,10,2024-01-01 00:00:01.000",
    "2,30,2024-01-01 00:00:03.000",
    "3,30,2024-01-01 00:00:07.000",
    "4,30,2024-01-01 00:00:10.000",
    "5,50,2024-01-01 00:00:14.000",
    "6,40,2024-01-01 00:00:25.000",
    "7,30,2024-01-01 00:00:05.000",
    "8,50,2024-01-01 00:00:12.000",
    "9,60,2024-01-01 00:00:33.000",
    "10,60,2024-01-01 00:00:31.000",
    "11,45,2024-01-01 00:00:45.000",
    "12,5,2024-01-01 00:00:21.000",
    "13,40,2024-01-01 00:00:26.000",
    "14,45,2024-01-01 00:00:40.000",
  ].join("\n") + "\n";

/** The same bids without the late ones: which late rows an interval join still meets depends on how its two inputs interleave (cases/joins.ts). */
const IN_ORDER_CSV = Q7_BIDS_CSV.split("\n")
  .filter((line) => !/^(7|8|12|13|14),/.test(line))
  .join("\n");

const DDL = `CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{q7bids}', 'format' = 'csv');
`;
const maxPerWindow = (bound: string) =>
  `SELECT MAX(price) AS maxprice, ${bound} AS dateTime FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY window_start, window_end${bound === "window_time" ? ", window_time" : ""}`;
const c = (name: string, isDefault: boolean, query: string, bids = Q7_BIDS_CSV): OracleCase => ({ name, default: isDefault, sql: `${DDL}${query};\n`, files: { q7bids: bids }, appendOnly: true });

export const PLAN_PARITY_CASES: OracleCase[] = [
  // q7's text but for the columns: the BETWEEN in WHERE, the window side on the right.
  c(
    "q7_window_end_late_bids",
    true,
    `SELECT B.auction, B.price, B.dateTime, B1.dateTime AS window_end FROM bid B JOIN (${maxPerWindow("window_end")}) B1 ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`,
  ),
  // The window side on the left, the bounds in ON, strict on one end.
  c(
    "q7_window_end_left_side",
    false,
    `SELECT B.auction, B1.maxprice, B.dateTime FROM (${maxPerWindow("window_end")}) B1 JOIN bid B ON B1.maxprice = B.price AND B.dateTime > B1.dateTime - INTERVAL '10' SECOND AND B.dateTime <= B1.dateTime`,
  ),
  // window_time is a rowtime attribute: Flink plans an interval join here, and so does Sluice (over the bids in order).
  c(
    "q7_window_time_interval",
    false,
    `SELECT B.auction, B.price, B.dateTime FROM bid B JOIN (${maxPerWindow("window_time")}) B1 ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`,
    IN_ORDER_CSV,
  ),
];
