/**
 * Cascaded window aggregates (Flink's window attribute propagation) against Flink itself: a GROUP BY
 * on both bounds of an upstream window aggregate's windows, under their own names or aliases, is a
 * window aggregate over the same windows (Flink's WindowAttachedWindowingStrategy), so its result is
 * append-only — one row per window when the watermark passes its end — and a join equating such a
 * result's bounds with another windowed side is a window join (nexmark q5). A GROUP BY on only one of
 * the bounds stays an updating group aggregate, in both. Input: the shared orders (cases.ts), two of
 * them late.
 */
import type { OracleCase } from "../cases.js";

const ORDERS = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{orders}', 'format' = 'csv');
`;
const o = (name: string, isDefault: boolean, query: string, extra: Partial<OracleCase> = {}): OracleCase => ({ name, default: isDefault, sql: `${ORDERS}${query};\n`, ...extra });

/** Per name and window: how many orders and their total. */
const perName = (tvf: string, bounds = "window_start, window_end"): string => `SELECT name, ${bounds}, COUNT(*) AS c, SUM(amount) AS s FROM TABLE(${tvf}) GROUP BY name, window_start, window_end`;
const TUMBLE10 = "TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)";
const HOP = "HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)";

export const CASCADED_WINDOW_CASES: OracleCase[] = [
  o("cascade_tumble_tumble", true, `SELECT window_start, window_end, COUNT(*) AS names, MAX(c) AS most, SUM(s) AS total FROM (${perName(TUMBLE10)}) GROUP BY window_start, window_end`, {
    appendOnly: true,
  }),
  // The bounds renamed (nexmark q5's `window_start AS starttime`), grouped in the other order, with WHERE and HAVING.
  o("cascade_hop_aliases", false, `SELECT e, st, MIN(c) AS fewest, MAX(s) AS biggest FROM (${perName(HOP, "window_start AS st, window_end AS e")}) WHERE s > 1 GROUP BY e, st HAVING COUNT(*) > 1`, {
    appendOnly: true,
  }),
  // A key beside the bounds: per window and whether the name bought more than once.
  o(
    "cascade_with_key",
    false,
    `SELECT window_start, window_end, c > 1 AS repeat, COUNT(*) AS names FROM (SELECT name, window_start, window_end, c FROM (${perName(TUMBLE10)}) WHERE c > 0) GROUP BY window_start, window_end, c`,
    {
      appendOnly: true,
    },
  ),
  // nexmark q5's shape: the names with the most orders per HOP window, the maximum a cascaded window aggregate, joined by a window join.
  o(
    "cascade_hop_window_join",
    true,
    `SELECT B.name, B.c, B.st FROM (${perName(HOP, "window_start AS st, window_end AS e")}) AS B
 JOIN (SELECT MAX(M.c) AS maxc, M.st, M.e FROM (${perName(HOP, "window_start AS st, window_end AS e")}) AS M GROUP BY M.st, M.e) AS X
 ON B.st = X.st AND B.e = X.e AND B.c >= X.maxc`,
    { appendOnly: true },
  ),
  // Two levels: per name, then per window, then per window again.
  o(
    "cascade_two_levels",
    false,
    `SELECT window_start, window_end, SUM(names) AS n FROM (SELECT window_start, window_end, COUNT(*) AS names FROM (${perName(TUMBLE10)}) GROUP BY window_start, window_end) GROUP BY window_start, window_end`,
    { appendOnly: true },
  ),
  // window_time grouped as well, at both levels; and a CUMULATE cascade.
  o(
    "cascade_window_time",
    false,
    `SELECT window_start, window_end, window_time, SUM(c) AS c FROM (SELECT name, window_start, window_end, window_time, COUNT(*) AS c FROM TABLE(${TUMBLE10}) GROUP BY name, window_start, window_end, window_time) GROUP BY window_start, window_end, window_time`,
    { appendOnly: true },
  ),
  o(
    "cascade_cumulate",
    false,
    `SELECT window_start, window_end, MAX(s) AS biggest, COUNT(*) AS names FROM (${perName("CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '20' SECOND)")}) GROUP BY window_start, window_end`,
    { appendOnly: true },
  ),
  // The TVF's own rows (through a subquery with a WHERE, and through a view), grouped on their bounds: a window aggregate too, the late orders dropped alike.
  o(
    "group_tvf_rows_subquery",
    false,
    `SELECT window_start, window_end, COUNT(*) AS c, SUM(amount) AS s FROM (SELECT id, amount, window_start, window_end FROM TABLE(${HOP}) WHERE id > 1) GROUP BY window_start, window_end`,
    { appendOnly: true },
  ),
  o(
    "group_tvf_rows_view",
    false,
    "CREATE VIEW tv AS SELECT name, amount, window_start AS ws, window_end AS we FROM TABLE(" + TUMBLE10 + ");\nSELECT ws, we, name, MAX(amount) AS hi FROM tv GROUP BY name, we, ws",
    {
      appendOnly: true,
    },
  ),
  // A view column no query reads is never computed: Flink prunes it from the Calc below the window aggregate, so its 10 / 0 does not fail the job.
  // Over the filesystem table the view's rows are restamped from ts (the Calc reads no record scan), and the pruning must reach past that.
  o(
    "window_over_view_unread_column",
    true,
    "CREATE VIEW ov AS SELECT name, 10 / (id - id) AS q, amount, ts FROM orders WHERE amount > 1;\nSELECT name, window_start, window_end, COUNT(*) AS c, MAX(amount) AS hi FROM TABLE(TUMBLE(TABLE ov, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY name, window_start, window_end",
    { appendOnly: true },
  ),
  // Only window_start grouped: not a window aggregate, an updating GROUP BY in Flink and here.
  o("cascade_start_only_updates", false, `SELECT window_start, MAX(c) AS most, COUNT(*) AS n FROM (${perName(HOP)}) GROUP BY window_start`),
  o("cascade_end_and_key_updates", false, `SELECT st, name, SUM(c) AS c FROM (${perName(HOP, "window_start AS st, window_end AS e")}) GROUP BY st, name`),
];
