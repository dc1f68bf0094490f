/**
 * Updating aggregates in mini-batches (issue 18, Flink's MiniBatchGroupAggFunction) against Flink itself,
 * both sides with the same SET lines: the GROUP BY cases of the suite again, in batches of 3 input rows
 * (batches end mid-input, as nexmark's 50 000 do on its millions) and of nexmark's 50 000 (one batch,
 * ended by the end of input), plus nexmark q4's shape (join, MAX per auction, AVG per category) on small inputs.
 * Batching changes the changelog (fewer -U/+U), not the table it folds to: that is what is compared.
 */
import type { OracleCase } from "../cases.js";
import { DDL as PRODUCTS_JOIN_DDL, files as PRODUCTS_JOIN_FILES } from "./joins.js";

const miniBatch = (size: number) => `SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '2 s';\nSET 'table.exec.mini-batch.size' = '${size}';\n`;

/** Cases of the suite whose last statement runs an updating (non-windowed) aggregate, DISTINCT included. */
const BATCHED = new Set([
  "group_count_per_key",
  "group_sum_avg_per_key",
  "group_having",
  "global_count",
  "group_keys_not_shown",
  "group_having_drops_group",
  "group_null_values",
  "group_over_updating_counts",
  "retract_min_max_sum",
  "filter_over_updating",
  "view_of_updating_having",
  "distinct_rows",
  "distinct_over_updating",
  "distinct_of_aggregate",
  "count_distinct_global",
  "distinct_aggregates_over_updating",
  "regular_updating_inputs",
  "regular_both_updating_full",
  "regular_then_group",
  "grouped_topn_same_select",
  "join_group_all_aggregates",
  "join_group_rest_having",
  "join_group_composite_key",
  "join_group_two_groups_per_key",
  "join_group_string_aggregate",
]);

const Q4_SHAPE =
  "SELECT Q.category, AVG(Q.final) AS a, COUNT(*) AS n FROM (SELECT MAX(o.amount) AS final, p.category FROM Orders o JOIN Products p ON o.product = p.name GROUP BY o.product, p.category) Q GROUP BY Q.category";

/** The suite's cases again with mini-batch on (size 3; the default ones also with nexmark's 50 000). */
export function miniBatchCases(cases: readonly OracleCase[]): OracleCase[] {
  const seen = new Map<string, number>();
  const out: OracleCase[] = [];
  for (const c of cases) {
    if (!BATCHED.has(c.name) || c.error || c.sinks || c.flinkBug) continue;
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    const name = `minibatch_${c.name}${n > 1 ? `_${n}` : ""}`;
    // The changelog is the batches' (one change per key per batch on both sides, but batches end at other moments): compared folded.
    const batched = { ...c, default: false, exactChangelog: false };
    out.push({ ...batched, name, sql: miniBatch(3) + c.sql });
    if (c.default) out.push({ ...batched, name: `${name}_50000`, sql: miniBatch(50_000) + c.sql });
  }
  out.push({ name: "minibatch_q4_shape", default: true, sql: `${miniBatch(3)}${PRODUCTS_JOIN_DDL}${Q4_SHAPE};\n`, files: PRODUCTS_JOIN_FILES });
  out.push({ name: "minibatch_q4_shape_unbatched", default: false, sql: `${PRODUCTS_JOIN_DDL}${Q4_SHAPE};\n`, files: PRODUCTS_JOIN_FILES });
  return out;
}
