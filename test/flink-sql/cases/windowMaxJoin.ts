/**
 * A window aggregate's rows joined with their windows' MAX (nexmark q5's shape): Sluice runs the MAX
 * aggregate and the window join as one operator holding each window's best rows (engine/src/sql/joins/
 * windowMaxJoin.ts; at parallelism 2 each subtask's rows below its best are dropped before the exchange),
 * Flink as WindowAggregate → WindowJoin. Both must give the same rows: ties for a window's MAX, a window
 * whose counts are all equal, a count that rises after a lower one in the same window, late bids (the
 * counts drop them), HOP windows (a bid in five), the mirrored condition, and shapes it must not fuse
 * (`num <= maxn`, a MIN, a HAVING on the MAX side).
 */
import type { OracleCase } from "../cases.js";

/** Bids on auctions over 40 s of event time; the 2 s bound makes the ones marked late come after their windows fired. */
const BIDS_CSV =
  [
    "1,2024-01-01 00:00:00.500",
    "2,2024-01-01 00:00:01.000",
    "1,2024-01-01 00:00:01.500",
    "3,2024-01-01 00:00:02.000",
    "2,2024-01-01 00:00:02.500",
    "4,2024-01-01 00:00:03.000",
    "4,2024-01-01 00:00:03.500",
    "4,2024-01-01 00:00:04.000",
    "5,2024-01-01 00:00:06.000",
    "6,2024-01-01 00:00:07.000",
    "7,2024-01-01 00:00:08.000",
    "8,2024-01-01 00:00:09.000",
    "1,2024-01-01 00:00:11.000",
    "2,2024-01-01 00:00:12.000",
    "2,2024-01-01 00:00:13.000",
    "1,2024-01-01 00:00:14.000",
    "9,2024-01-01 00:00:15.000",
    // Late: the watermark is at 13 s, windows ending at 6 s and before fired.
    "4,2024-01-01 00:00:05.000",
    "4,2024-01-01 00:00:01.000",
    "3,2024-01-01 00:00:16.000",
    "3,2024-01-01 00:00:17.000",
    "3,2024-01-01 00:00:18.000",
    "1,2024-01-01 00:00:19.000",
    "6,2024-01-01 00:00:22.000",
    "7,2024-01-01 00:00:24.000",
    "6,2024-01-01 00:00:26.000",
    "7,2024-01-01 00:00:27.000",
    "8,2024-01-01 00:00:31.000",
    "9,2024-01-01 00:00:38.000",
  ].join("\n") + "\n";

const DDL = `CREATE TABLE bid (auction BIGINT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{wmbids}', 'format' = 'csv');
`;

/**
 * At parallelism 2 without the late bids: whether Flink finds them late there depends on when its source's
 * periodic watermark reaches the counts' subtasks (one run of the oracle gave 35 rows, the next 37).
 */
const IN_ORDER_CSV = BIDS_CSV.split("\n")
  .filter((line) => line !== "4,2024-01-01 00:00:05.000" && line !== "4,2024-01-01 00:00:01.000")
  .join("\n");

const c = (name: string, isDefault: boolean, query: string, parallelism = 1): OracleCase => ({
  name,
  default: isDefault,
  sql: `${DDL}${parallelism > 1 ? `SET 'parallelism.default' = '${parallelism}';\n` : ""}${query};\n`,
  files: { wmbids: parallelism > 1 ? IN_ORDER_CSV : BIDS_CSV },
  appendOnly: true,
});

const HOP = "TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))";
const TUMBLE = "TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '5' SECOND))";
const counts = (tvf: string) => `SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime FROM ${tvf} GROUP BY auction, window_start, window_end`;
const best = (tvf: string, agg = "max", having = "") =>
  `SELECT ${agg}(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime FROM (SELECT count(*) AS num, window_start AS starttime, window_end AS endtime FROM ${tvf} GROUP BY auction, window_start, window_end) AS CountBids GROUP BY CountBids.starttime, CountBids.endtime${having}`;
const BOUNDS = "AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime";
const q5 = (tvf: string, condition = "AuctionBids.num >= MaxBids.maxn", select = "AuctionBids.auction, AuctionBids.num", agg = "max", having = "") =>
  `SELECT ${select} FROM (${counts(tvf)}) AS AuctionBids JOIN (${best(tvf, agg, having)}) AS MaxBids ON ${BOUNDS} AND ${condition}`;

export const WINDOW_MAX_JOIN_CASES: OracleCase[] = [
  // nexmark q5 as written there (HOP, 2 s slide, 10 s size).
  c("window_max_join_q5", true, q5(HOP)),
  c("window_max_join_q5_parallelism_2", true, q5(HOP), 2),
  // Every column of both sides, TUMBLE windows; the condition mirrored.
  c("window_max_join_tumble_all_columns", false, q5(TUMBLE, "MaxBids.maxn <= AuctionBids.num", "*")),
  c("window_max_join_tumble_parallelism_2", false, q5(TUMBLE, "AuctionBids.num >= MaxBids.maxn", "*"), 2),
  // Not fused (Flink's MAX aggregate and window join): rows below the MAX join, a MIN, a HAVING on the MAX side.
  c("window_max_join_below_not_fused", false, q5(HOP, "AuctionBids.num <= MaxBids.maxn")),
  c("window_max_join_min_not_fused", false, q5(HOP, "AuctionBids.num >= MaxBids.maxn", "AuctionBids.auction, AuctionBids.num, MaxBids.maxn", "min")),
  c("window_max_join_having_not_fused", false, q5(TUMBLE, "AuctionBids.num >= MaxBids.maxn", "AuctionBids.auction, AuctionBids.num", "max", " HAVING max(CountBids.num) > 1")),
];
