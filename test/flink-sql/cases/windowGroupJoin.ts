/**
 * Two window aggregates without aggregate functions joined by an inner window join on their group
 * columns (nexmark q8's shape): Sluice runs the three as one operator (engine/src/sql/joins/windowGroupJoin.ts),
 * Flink as WindowAggregate, WindowAggregate → WindowJoin. Both must give the same rows: a group seen
 * twice in a window, one id under two names, a NULL id, a NULL name, a row late for its own side's
 * watermark (while the other side's lags), windows with one side only, HOP windows, a composite key,
 * the rest of ON, and the shapes it must not fuse (LEFT JOIN, an aggregate function, a WHERE in a side,
 * a filter over the join pushed into a side).
 */
import type { OracleCase } from "../cases.js";

/** People and their sales over 50 s of event time; rows marked late come after their side's watermark (2 s bound) passed their window. */
const PEOPLE_CSV =
  [
    "1,alice,2024-01-01 00:00:01.000",
    "2,bob,2024-01-01 00:00:02.000",
    "1,alice,2024-01-01 00:00:03.000",
    "1,alicia,2024-01-01 00:00:04.000",
    ",nobody,2024-01-01 00:00:05.000",
    "3,carol,2024-01-01 00:00:12.000",
    "4,dave,2024-01-01 00:00:14.000",
    "2,bob,2024-01-01 00:00:15.000",
    "5,eve,2024-01-01 00:00:25.000",
    // Late: the people's watermark is at 23 s, window [0 s, 10 s) fired (seller 3 sold in it).
    "3,carol,2024-01-01 00:00:08.000",
    "6,frank,2024-01-01 00:00:27.000",
    "6,,2024-01-01 00:00:28.000",
    "7,gina,2024-01-01 00:00:41.000",
    "8,hal,2024-01-01 00:00:43.000",
  ].join("\n") + "\n";

const SALES_CSV =
  [
    "1,alice,2024-01-01 00:00:02.000",
    "1,x,2024-01-01 00:00:06.000",
    "3,carol,2024-01-01 00:00:07.000",
    ",nobody,2024-01-01 00:00:08.000",
    "2,bob,2024-01-01 00:00:11.000",
    "4,d,2024-01-01 00:00:19.000",
    "6,frank,2024-01-01 00:00:26.000",
    "5,e,2024-01-01 00:00:45.000",
    // Late: the sales' watermark is at 43 s, window [20 s, 30 s) fired (eve joined it at 25 s).
    "5,eve,2024-01-01 00:00:22.000",
    "9,z,2024-01-01 00:00:47.000",
    "8,hal,2024-01-01 00:00:48.000",
  ].join("\n") + "\n";

const DDL = `CREATE TABLE People (id BIGINT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{people}', 'format' = 'csv', 'csv.null-literal' = '');
CREATE TABLE Sales (seller BIGINT, label STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{sales}', 'format' = 'csv', 'csv.null-literal' = '');
`;

const g = (name: string, isDefault: boolean, query: string): OracleCase => ({ name, default: isDefault, sql: `${DDL}${query};\n`, files: { people: PEOPLE_CSV, sales: SALES_CSV }, appendOnly: true });

const tvf = (kind: "TUMBLE" | "HOP", table: string) =>
  kind === "TUMBLE" ? `TABLE(TUMBLE(TABLE ${table}, DESCRIPTOR(ts), INTERVAL '10' SECOND))` : `TABLE(HOP(TABLE ${table}, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))`;
const people = (kind: "TUMBLE" | "HOP", extra = "") =>
  `(SELECT id, name, window_start AS starttime, window_end AS endtime${extra} FROM ${tvf(kind, "People")} GROUP BY id, name, window_start, window_end)`;
const sellers = (kind: "TUMBLE" | "HOP", extra = "") =>
  `(SELECT seller, window_start AS starttime, window_end AS endtime${extra} FROM ${tvf(kind, "Sales")} GROUP BY seller, window_start, window_end)`;
const ON = "P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime";

export const WINDOW_GROUP_JOIN_CASES: OracleCase[] = [
  // nexmark q8 as written there.
  g("window_group_join_q8", true, `SELECT P.id, P.name, P.starttime FROM ${people("TUMBLE")} P JOIN ${sellers("TUMBLE")} A ON ${ON}`),
  // Every column of both sides; HOP windows (a row in two windows).
  g("window_group_join_hop_all_columns", false, `SELECT * FROM ${people("HOP")} P JOIN ${sellers("HOP")} A ON ${ON}`),
  // The group columns in another order than GROUP BY's, the rest of ON, a composite key (id and name = seller and label).
  g(
    "window_group_join_composite_key_rest",
    false,
    `SELECT P.name, A.label, P.endtime FROM (SELECT window_end AS endtime, name, id, window_start AS starttime FROM ${tvf("TUMBLE", "People")} GROUP BY id, name, window_start, window_end) P JOIN (SELECT seller, label, window_start AS starttime, window_end AS endtime FROM ${tvf("TUMBLE", "Sales")} GROUP BY seller, label, window_start, window_end) A ON P.id = A.seller AND P.name = A.label AND P.starttime = A.starttime AND P.endtime = A.endtime AND P.id < 6`,
  ),
  // Not fused (Flink's three operators): a LEFT JOIN, an aggregate function on one side, a WHERE inside a side, a filter over the join pushed into a side.
  g("window_group_join_left_not_fused", false, `SELECT P.id, P.name, A.seller, P.starttime FROM ${people("TUMBLE")} P LEFT JOIN ${sellers("TUMBLE")} A ON ${ON}`),
  g("window_group_join_count_not_fused", false, `SELECT P.id, P.name, A.n FROM ${people("TUMBLE")} P JOIN ${sellers("TUMBLE", ", COUNT(*) AS n")} A ON ${ON}`),
  g(
    "window_group_join_where_not_fused",
    false,
    `SELECT P.id, P.name FROM ${people("TUMBLE")} P JOIN (SELECT seller, window_start AS starttime, window_end AS endtime FROM ${tvf("TUMBLE", "Sales")} WHERE label <> 'x' GROUP BY seller, window_start, window_end) A ON ${ON}`,
  ),
  g("window_group_join_pushed_filter_not_fused", false, `SELECT P.id, P.name FROM ${people("TUMBLE")} P JOIN ${sellers("TUMBLE")} A ON ${ON} WHERE P.name <> 'alicia'`),
];
