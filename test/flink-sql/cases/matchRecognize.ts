/**
 * MATCH_RECOGNIZE (issue 22) against Flink 1.20.1's SQL engine: the examples of Flink's page
 * (docs/dev/table/sql/queries/match_recognize.md) over its own Ticker rows, and each quantifier,
 * reluctant form, skip strategy, WITHIN and navigation function over a generated out-of-order stream
 * of three keys (a few rows late). Self-contained (cases.ts imports this file).
 */
import type { OracleCase } from "../cases.js";

const TICKER_DDL = `CREATE TABLE Ticker (symbol STRING, rowtime TIMESTAMP(3), price BIGINT, tax BIGINT, WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{ticker}', 'format' = 'csv');
`;
const ticker = (rows: [string, string, number, number][]): string => rows.map(([s, t, p, x]) => `${s},${t},${p},${x}`).join("\n") + "\n";
const onTicker = (name: string, isDefault: boolean, rows: string, query: string, error?: RegExp): OracleCase => ({
  name,
  default: isDefault,
  sql: `${TICKER_DDL}${query};\n`,
  files: { ticker: rows },
  ...(error ? { error } : {}),
});

/** The docs' first example (price falls, then rises), with a second symbol interleaved to partition by. */
const DOCS_TICKER = ticker([
  ["ACME", "2011-04-01 10:00:00", 12, 1],
  ["ACME", "2011-04-01 10:00:01", 17, 2],
  ["BETA", "2011-04-01 10:00:01", 30, 1],
  ["ACME", "2011-04-01 10:00:02", 19, 1],
  ["ACME", "2011-04-01 10:00:03", 21, 3],
  ["BETA", "2011-04-01 10:00:03", 28, 2],
  ["ACME", "2011-04-01 10:00:04", 25, 2],
  ["BETA", "2011-04-01 10:00:04", 27, 2],
  ["ACME", "2011-04-01 10:00:05", 18, 1],
  ["ACME", "2011-04-01 10:00:06", 15, 1],
  ["BETA", "2011-04-01 10:00:06", 29, 1],
  ["ACME", "2011-04-01 10:00:07", 14, 2],
  ["ACME", "2011-04-01 10:00:08", 24, 2],
  ["ACME", "2011-04-01 10:00:09", 25, 2],
  ["ACME", "2011-04-01 10:00:10", 19, 1],
]);

const AGG_TICKER = ticker([12, 17, 13, 16, 25, 2, 4, 10, 15, 25, 25, 30].map((p, i) => ["ACME", `2011-04-01 10:00:${String(i).padStart(2, "0")}`, p, (i % 3) + 1] as [string, string, number, number]));
const GREEDY_TICKER = ticker([10, 11, 12, 13, 14, 16].map((p, i) => ["XYZ", `2018-09-17 10:00:0${i + 2}`, p, (i % 2) + 1] as [string, string, number, number]));
const WITHIN_TICKER = ticker(
  [20, 17, 18, 11, 14, 9, 15, 14, 24, 1, 19].map((p, i) => {
    const m = i * 20;
    return ["ACME", `2011-04-01 ${String(10 + Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}:00`, p, 1] as [string, string, number, number];
  }),
);
const OUTPUT_TICKER = ticker([10, 12, 13, 11].map((p, i) => ["XYZ", `2018-09-17 10:00:0${i + 2}`, p, (i % 2) + 1] as [string, string, number, number]));
const SKIP_TICKER = ticker([7, 9, 10, 5, 10, 7, 14].map((p, i) => ["XYZ", `2018-09-17 10:00:0${i + 1}`, p, i === 0 || i === 2 ? 1 : 2] as [string, string, number, number]));

const skipQuery = (strategy: string): string => `SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            SUM(A.price) AS sumPrice,
            FIRST(rowtime) AS startTime,
            LAST(rowtime) AS endTime
        ONE ROW PER MATCH
        ${strategy}
        PATTERN (A+ C)
        DEFINE
            A AS SUM(A.price) < 30
    )`;

const greedyQuery = (b: string): string => `SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            C.price AS lastPrice
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A ${b} C)
        DEFINE
            A AS A.price > 10,
            B AS B.price < 15,
            C AS C.price > 12
    )`;

/**
 * Three keys, 240 rows 250 ms apart in event time, up to 900 ms out of order (the watermark trails by
 * 1 s), every 37th row 3 s late (dropped by both); v in 0..9 from a fixed LCG.
 */
const EVENTS_CSV = (() => {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines: string[] = [];
  const base = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 240; i++) {
    const late = i % 37 === 36 ? 3000 : 0;
    const ts = new Date(base + i * 250 - Math.floor(next() * 900) - late).toISOString().replace("T", " ").replace("Z", "");
    lines.push(`${i},k${Math.floor(next() * 3)},${Math.floor(next() * 10)},${ts}`);
  }
  return lines.join("\n") + "\n";
})();
const EVENTS_DDL = `CREATE TABLE ev (id INT, k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'filesystem', 'path' = '{events}', 'format' = 'csv');
`;
/** `PATTERN (…)` with `DEFINE` over the generated events; measures name the first and last ids and counts. */
const onEvents = (name: string, isDefault: boolean, pattern: string, define: string, extra: { after?: string; measures?: string; within?: string; error?: RegExp } = {}): OracleCase => ({
  name,
  default: isDefault,
  sql: `${EVENTS_DDL}SELECT * FROM ev MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY ts
  MEASURES ${extra.measures ?? "FIRST(id) AS first_id, LAST(id) AS last_id, COUNT(id) AS n, MATCH_ROWTIME() AS mt"}
  ONE ROW PER MATCH
  ${extra.after ?? "AFTER MATCH SKIP PAST LAST ROW"}
  PATTERN (${pattern})${extra.within ? ` WITHIN ${extra.within}` : ""}
  DEFINE ${define}
) AS T;
`,
  files: { events: EVENTS_CSV },
  ...(extra.error ? { error: extra.error } : {}),
});

const LOW_MID_HIGH = "A AS A.v < 3, B AS B.v >= 3 AND B.v < 7, C AS C.v >= 7";
const OVERLAP = "A AS A.v < 3, B AS B.v > 2, C AS C.v > 5";
/** B and C overlap (6, 7) but B stops at 8, so a greedy B+ ends. */
const GREEDY_OVERLAP = "A AS A.v < 3, B AS B.v BETWEEN 3 AND 7, C AS C.v >= 6";
/** A overlaps B, so a match can start inside the previous one: the skip strategies differ. */
const SKIPPY = "A AS A.v < 6, B AS B.v BETWEEN 3 AND 7, C AS C.v >= 6";

export const MATCH_RECOGNIZE_CASES: OracleCase[] = [
  // Flink's docs, as written (the WITHIN example's DEFINE gets the comma the page drops).
  onTicker(
    "mr_docs_ticker",
    true,
    DOCS_TICKER,
    `SELECT *
FROM Ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            START_ROW.rowtime AS start_tstamp,
            LAST(PRICE_DOWN.rowtime) AS bottom_tstamp,
            LAST(PRICE_UP.rowtime) AS end_tstamp
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST PRICE_UP
        PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
        DEFINE
            PRICE_DOWN AS
                (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
                    PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
            PRICE_UP AS
                PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
    ) MR`,
  ),
  // ORDER BY a proctime attribute: rows are matched as they arrive, here in the file's order (one reader).
  onTicker(
    "mr_order_by_proctime",
    false,
    DOCS_TICKER,
    `SELECT * FROM (SELECT symbol, rowtime, price, PROCTIME() AS pt FROM Ticker)
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY pt
        MEASURES FIRST(DOWN.rowtime) AS first_down, LAST(DOWN.price) AS bottom, UP.price AS up
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (DOWN+ UP)
        DEFINE DOWN AS DOWN.price < 20, UP AS UP.price >= 20
    ) MR`,
  ),
  onTicker(
    "mr_docs_aggregation",
    false,
    AGG_TICKER,
    `SELECT *
FROM Ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            FIRST(A.rowtime) AS start_tstamp,
            LAST(A.rowtime) AS end_tstamp,
            AVG(A.price) AS avgPrice
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A+ B)
        DEFINE
            A AS AVG(A.price) < 15
    ) MR`,
  ),
  onTicker("mr_docs_greedy", false, GREEDY_TICKER, greedyQuery("B*")),
  onTicker("mr_docs_reluctant", false, GREEDY_TICKER, greedyQuery("B*?")),
  onTicker(
    "mr_docs_within",
    false,
    WITHIN_TICKER,
    `SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            C.rowtime AS dropTime,
            A.price - C.price AS dropDiff
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A B* C) WITHIN INTERVAL '1' HOUR
        DEFINE
            B AS B.price > A.price - 10,
            C AS C.price < A.price - 10
    )`,
  ),
  // No AFTER MATCH clause: the default strategy.
  onTicker(
    "mr_docs_output_mode",
    false,
    OUTPUT_TICKER,
    `SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            FIRST(A.price) AS startPrice,
            LAST(A.price) AS topPrice,
            B.price AS lastPrice
        ONE ROW PER MATCH
        PATTERN (A+ B)
        DEFINE
            A AS LAST(A.price, 1) IS NULL OR A.price > LAST(A.price, 1),
            B AS B.price < LAST(A.price)
    )`,
  ),
  onTicker("mr_docs_skip_past_last_row", false, SKIP_TICKER, skipQuery("AFTER MATCH SKIP PAST LAST ROW")),
  onTicker("mr_docs_skip_to_next_row", false, SKIP_TICKER, skipQuery("AFTER MATCH SKIP TO NEXT ROW")),
  onTicker("mr_docs_skip_to_last", false, SKIP_TICKER, skipQuery("AFTER MATCH SKIP TO LAST A")),
  onTicker("mr_docs_skip_to_first", false, SKIP_TICKER, skipQuery("AFTER MATCH SKIP TO FIRST A"), /skip to the first element of a match|first element of a match/i),

  // Each quantifier over the generated stream.
  onEvents("mr_single", false, "A B C", LOW_MID_HIGH),
  onEvents("mr_plus", false, "A B+ C", LOW_MID_HIGH),
  onEvents("mr_star", false, "A B* C", LOW_MID_HIGH),
  onEvents("mr_optional", false, "A B? C", LOW_MID_HIGH),
  onEvents("mr_times", false, "A B{2} C", LOW_MID_HIGH),
  onEvents("mr_times_or_more", false, "A B{2,} C", LOW_MID_HIGH),
  onEvents("mr_times_range", false, "A B{1,3} C", LOW_MID_HIGH),
  onEvents("mr_times_zero_to", false, "A B{0,2} C", LOW_MID_HIGH),
  // The docs list `{, m}`, but Flink's CEP refuses the missing lower bound.
  onEvents("mr_times_up_to_rejected", false, "A B{,2} C", LOW_MID_HIGH, { error: /The from should be a positive number greater than 0/ }),
  onEvents("mr_plus_overlap", false, "A B+ C", GREEDY_OVERLAP),
  onEvents("mr_times_or_more_overlap", false, "A B{2,} C", GREEDY_OVERLAP),
  onEvents("mr_plus_reluctant", false, "A B+? C", OVERLAP),
  onEvents("mr_star_reluctant", false, "A B*? C", OVERLAP),
  onEvents("mr_times_range_reluctant", false, "A B{1,3}? C", OVERLAP),
  onEvents("mr_times_or_more_reluctant", false, "A B{2,}? C", OVERLAP),
  onEvents("mr_last_reluctant", false, "A B C+?", OVERLAP),
  // Skip strategies and WITHIN over the generated stream.
  onEvents("mr_skip_past_last_row", false, "A B+ C", SKIPPY),
  onEvents("mr_skip_to_next_row", false, "A B+ C", SKIPPY, { after: "AFTER MATCH SKIP TO NEXT ROW" }),
  onEvents("mr_skip_to_first_b", false, "A B+ C", SKIPPY, { after: "AFTER MATCH SKIP TO FIRST B" }),
  onEvents("mr_skip_to_last_b", false, "A B+ C", SKIPPY, { after: "AFTER MATCH SKIP TO LAST B" }),
  onEvents("mr_within", false, "A B+ C", GREEDY_OVERLAP, { within: "INTERVAL '2' SECOND" }),
  onEvents("mr_within_reluctant", false, "A B*? C", "A AS A.v < 2, C AS C.v > 7", { within: "INTERVAL '3' SECOND", after: "AFTER MATCH SKIP TO NEXT ROW" }),
  // Navigation and measures.
  onEvents("mr_prev_zero", false, "A B C", "B AS PREV(B.v, 0) > A.v, C AS C.v < PREV(C.v, 0) + B.v"),
  // The docs list PREV under unsupported physical offsets; Flink refuses it with these words.
  onEvents("mr_prev_rejected", false, "A B+ C", "B AS B.v > PREV(B.v), C AS C.v < 5", { error: /Flink does not support physical offsets within partition/ }),
  onEvents("mr_navigation", false, "A B+ C", "B AS LAST(B.v, 1) IS NULL OR B.v > LAST(B.v, 1), C AS C.v < LAST(B.v)", {
    measures: "A.v AS a, FIRST(B.v) AS b1, LAST(B.v) AS bn, FIRST(B.v, 1) AS b2, LAST(B.v, 1) AS bm, C.v AS c, SUM(B.v) AS s, AVG(B.v) AS av, MIN(B.v) AS lo, MAX(B.v) AS hi, COUNT(B.v) AS nb",
  }),
  onEvents("mr_aggregate_define", false, "A+ C", "A AS SUM(A.v) < 12 AND COUNT(A.v) <= 4, C AS C.v > AVG(A.v)", {
    measures: "SUM(A.v * 2) AS s2, LAST(v) AS lastv, FIRST(v, 1) AS second_v, LAST(A.id, 2) AS third_last, MATCH_ROWTIME() AS mt",
  }),
  onEvents("mr_default_variable", false, "A B C", "B AS LAST(v, 1) < B.v, C AS C.v > FIRST(v) + 2", { measures: "SUM(v) AS s, COUNT(*) AS n, MAX(v) - MIN(v) AS spread" }),
  {
    name: "mr_outer_select_no_partition",
    default: false,
    sql: `${EVENTS_DDL}SELECT T.first_id, T.n * 2 AS n2, T.mt FROM ev MATCH_RECOGNIZE (
  ORDER BY ts
  MEASURES FIRST(A.id) AS first_id, COUNT(B.id) AS n, MATCH_ROWTIME() AS mt
  AFTER MATCH SKIP TO LAST B
  PATTERN (A B{1,4} C) WITHIN INTERVAL '4' SECOND
  DEFINE A AS A.v > 6, B AS B.v < 5, C AS C.v > 6
) AS T WHERE T.n > 1;
`,
    files: { events: EVENTS_CSV },
  },
  // MATCH_ROWTIME() is a rowtime attribute: a window over the matches.
  {
    name: "mr_match_rowtime_window",
    default: false,
    sql: `${EVENTS_DDL}CREATE TEMPORARY VIEW found AS SELECT * FROM ev MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY ts
  MEASURES COUNT(B.id) AS n, MATCH_ROWTIME() AS mt
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B+ C)
  DEFINE ${GREEDY_OVERLAP}
);
SELECT window_start, window_end, k, COUNT(*) AS found_n, SUM(n) AS bs FROM TABLE(TUMBLE(TABLE found, DESCRIPTOR(mt), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k;
`,
    files: { events: EVENTS_CSV },
  },
  // What Flink rejects, Sluice rejects with the same words.
  onEvents("mr_greedy_last_rejected", false, "A B+", LOW_MID_HIGH, { error: /Greedy quantifiers are not allowed as the last element of a Pattern yet/ }),
  onEvents("mr_empty_match_rejected", false, "A? B? C*?", LOW_MID_HIGH, { error: /Patterns that can produce empty matches are not supported/ }),
  onEvents("mr_optional_after_greedy_rejected", false, "A* B? C", LOW_MID_HIGH, { error: /Optional pattern cannot be preceded by greedy pattern/ }),
  onEvents("mr_reluctant_optional_rejected", false, "A B?? C", LOW_MID_HIGH, { error: /Reluctant optional variables are not supported yet/ }),
];
