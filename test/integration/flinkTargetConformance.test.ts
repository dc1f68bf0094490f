/**
 * The streaming SQL conformance cases (test/flink-sql/cases.ts) through `%%ssql --target flink`'s
 * own path (kernel/src/flink: statements split, sent in one gateway session, the result folded into
 * the table the cell shows) on a real Flink 2.2 cluster, against the same text on the embedded
 * engine; prints a table as test/flink-sql/run.js does. Off in the default run (scripts/test.sh sets
 * SLUICE_FLINK_TESTS=off); all cases, or some:
 *
 *   SLUICE_FLINK_TESTS=on node --test --test-force-exit dist/test/integration/flinkTargetConformance.test.js
 *   SLUICE_FLINK_TESTS=on SLUICE_FLINK_CASES=all node …   (every case; default: the oracle's CI subset)
 *
 * Starts the cluster if none runs, stops it afterwards unless SLUICE_FLINK_KEEP=1.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { displayValue, SqlSession } from "../../engine/src/sql/index.js";
import { connectFlink, disconnectFlink } from "../../kernel/src/flink/flinkConnection.js";
import { runOnFlink } from "../../kernel/src/flink/flinkCell.js";
import type { MagicEnv } from "../../kernel/src/magics/magic.js";
import { BID_CSV, CASES, ORDERS_CSV, SPARSE_CSV } from "../flink-sql/cases.js";
import { type CaseOutcome, fold, formatOutcomes } from "../flink-sql/oracle.js";
import { ensureFlinkCluster, flinkTestsOff, stopIfStartedHere } from "./flinkCluster.js";

const wanted = process.env.SLUICE_FLINK_CASES;
// Cases with their own input files or an expected error need the oracle's harness (test/flink-sql/oracle.ts), not this one.
const cases = CASES.filter((c) => !c.files && !c.error && c.flinkBug === undefined).filter((c) => (wanted === "all" ? true : wanted ? wanted.split(",").includes(c.name) : c.default));

const env: MagicEnv = {
  lookup: () => ({ found: false }),
  assign: async () => undefined,
  interruptible: (work) => work(),
  source: "",
  executionCount: 1,
};

/** The rows of the table a cell shows (its dataresource JSON), in column order. */
function shownRows(value: unknown): unknown[][] {
  const bundle = (value as Record<symbol, () => Record<string, unknown>>)[Symbol.for("Jupyter.display")]?.();
  const resource = bundle?.["application/vnd.dataresource+json"] as { schema: { fields: { name: string }[] }; data: Record<string, unknown>[] } | undefined;
  if (!resource) throw new Error(`the cell showed no table: ${String(bundle?.["text/plain"] ?? (value as { name?: string })?.name ?? value)}`);
  return resource.data.map((r) => resource.schema.fields.map((f) => r[f.name]));
}

describe("conformance cases through %%ssql --target flink", { skip: flinkTestsOff && "SLUICE_FLINK_TESTS=off" }, () => {
  const outcomes: CaseOutcome[] = [];
  const dir = mkdtempSync(join(tmpdir(), "sluice-flink-target-"));
  const inputs: Record<string, string> = { orders: ORDERS_CSV, sparse: SPARSE_CSV, bid: BID_CSV };
  for (const [name, text] of Object.entries(inputs)) writeFileSync(join(dir, `${name}.csv`), text);
  const sqlOf = (sql: string) => sql.replace(/\{(orders|sparse|bid)\}/g, (_, name: string) => join(dir, `${name}.csv`));
  let gatewayUrl = "";

  before(async () => {
    gatewayUrl = (await ensureFlinkCluster()).gatewayUrl;
  });
  after(async () => {
    console.log(formatOutcomes(outcomes).replace(/^/gm, "# "));
    await disconnectFlink();
    await stopIfStartedHere();
  });

  for (const c of cases) {
    test(c.name, async () => {
      const sql = sqlOf(c.sql);
      // A session per case: the cases reuse table names.
      const flink = await connectFlink({ gatewayUrl });
      await flink.open().then(({ session }) => session.execute("SET 'table.local-time-zone' = 'UTC'"));
      const t0 = performance.now();
      const outcome = await runOnFlink({ name: "ssql", kind: "cell", args: "--target flink", body: sql, bodyLine: 2 }, env, flink);
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      const onFlink = outcome.status === "ok" ? { rows: fold(shownRows(outcome.result?.value).map((row) => ({ kind: "+I", row }))), changes: [] } : { error: outcome.error.evalue };
      const results = await new SqlSession().execute(sql);
      const last = results.at(-1);
      assert.equal(last?.kind, "table");
      if (last?.kind !== "table") return;
      const changelog = last.changelog ?? last.rows.map((row) => ({ kind: "+I" as const, row }));
      const local = {
        rows: fold(changelog.map((ch) => ({ kind: ch.kind, row: ch.row.map((v, i) => (last.columns[i]?.type.name === "TIMESTAMP" && v !== null ? displayValue(v, last.columns[i]?.type) : v)) }))),
        changes: [],
      };
      const same = "rows" in onFlink && JSON.stringify(onFlink.rows) === JSON.stringify(local.rows);
      outcomes.push({ name: `${c.name} (${seconds} s)`, flink: onFlink, sluice: local, same, ok: same });
      assert.ok(same, formatOutcomes([outcomes.at(-1) as CaseOutcome]));
    });
  }
});
