/**
 * The window Top-1 prune in front of q7's bounded join (engine/src/sql/joins/planWindowTopPrune.ts)
 * against Flink's regular join: the bids below their window's running MAX (MIN) are dropped before the
 * join, which must not change a row. The bids: a rising maximum and ties; bids exactly on a window's end
 * (they meet two windows: one may beat them, the other not); bids 5–15 s late (the window aggregate drops
 * them, the regular join still meets them) whose price is above a fired window's maximum (it must not
 * become the window's bound) followed by late bids at the maximum (they join); and, for MIN, late low
 * bids then late bids at the minimum. Variants: MIN, the window side on the left with a strict bound, a
 * 5 s tumble, a range that is not the window's (shifted: still pruned, each bid checked against every
 * window its range meets), a range of 7 windows (not pruned: the bounded join alone).
 */
import type { OracleCase } from "../cases.js";

export const WINDOW_TOP_BIDS_CSV =
  [
    "1,10,2024-01-01 00:00:01.000",
    "2,30,2024-01-01 00:00:03.000",
    "3,20,2024-01-01 00:00:04.000",
    "4,30,2024-01-01 00:00:07.000",
    "5,50,2024-01-01 00:00:12.000",
    "6,30,2024-01-01 00:00:10.000",
    "7,99,2024-01-01 00:00:05.000",
    "8,30,2024-01-01 00:00:06.000",
    "9,40,2024-01-01 00:00:15.000",
    "10,50,2024-01-01 00:00:18.000",
    "11,45,2024-01-01 00:00:20.000",
    "12,45,2024-01-01 00:00:26.000",
    "13,60,2024-01-01 00:00:24.000",
    "14,60,2024-01-01 00:00:30.000",
    "15,55,2024-01-01 00:00:33.000",
    "16,70,2024-01-01 00:00:50.000",
    "17,60,2024-01-01 00:00:31.000",
    "18,65,2024-01-01 00:00:35.000",
    "19,60,2024-01-01 00:00:36.000",
    "20,2,2024-01-01 00:00:32.000",
    "21,55,2024-01-01 00:00:34.000",
    "22,5,2024-01-01 00:00:52.000",
    "23,70,2024-01-01 00:00:55.000",
    "24,70,2024-01-01 00:01:00.000",
    "25,1,2024-01-01 00:00:45.000",
    "26,65,2024-01-01 00:01:04.000",
  ].join("\n") + "\n";

const DDL = `CREATE TABLE bid (auction INT, price INT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{wtbids}', 'format' = 'csv');
`;
const perWindow = (agg: string, size = 10) =>
  `SELECT ${agg}(price) AS best, window_end AS dateTime FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '${size}' SECOND)) GROUP BY window_start, window_end`;
const c = (name: string, isDefault: boolean, query: string): OracleCase => ({ name, default: isDefault, sql: `${DDL}${query};\n`, files: { wtbids: WINDOW_TOP_BIDS_CSV }, appendOnly: true });
const q7 = (agg: string, range = "B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime", size = 10) =>
  `SELECT B.auction, B.price, B.dateTime, B1.dateTime AS window_end FROM bid B JOIN (${perWindow(agg, size)}) B1 ON B.price = B1.best WHERE B.dateTime BETWEEN ${range}`;

export const WINDOW_TOP_CASES: OracleCase[] = [
  c("window_top_max_late_ties_boundaries", true, q7("MAX")),
  c("window_top_min_late_ties_boundaries", false, q7("MIN")),
  c(
    "window_top_max_window_left_strict",
    false,
    `SELECT B.auction, B1.best, B.dateTime FROM (${perWindow("MAX")}) B1 JOIN bid B ON B1.best = B.price AND B.dateTime > B1.dateTime - INTERVAL '10' SECOND AND B.dateTime <= B1.dateTime`,
  ),
  c("window_top_max_tumble_5s", false, q7("MAX", "B1.dateTime - INTERVAL '5' SECOND AND B1.dateTime", 5)),
  c("window_top_max_range_shifted", false, q7("MAX", "B1.dateTime - INTERVAL '15' SECOND AND B1.dateTime + INTERVAL '5' SECOND")),
  c("window_top_min_range_wide_not_pruned", false, q7("MIN", "B1.dateTime - INTERVAL '60' SECOND AND B1.dateTime")),
];
