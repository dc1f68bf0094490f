/**
 * HOP / CUMULATE / SESSION window TVFs: their AST, the validation Flink's planner does, the
 * cumulative assigner and the SQL watermark rule. What they compute is checked against Flink itself
 * in test/flink-sql (cases hop_*, cumulate_*, session_*).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CumulativeEventTimeWindows } from "../windows/WindowAssigner.js";
import { parseScript, SqlSession, StreamSqlError } from "./index.js";
import { SqlWatermarkAssigner } from "./watermarks.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sqlwin-"));
const csv = join(dir, "orders.csv");
writeFileSync(csv, "1,alice,10.5,2024-01-01 00:00:01.000\n2,bob,3.25,2024-01-01 00:00:04.000\n3,alice,7.0,2024-01-01 00:00:12.000\n");
const ddl = `CREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${csv}', 'format' = 'csv');`;

const fromOf = (sql: string): unknown => {
  const s = parseScript(sql)[0]?.statement;
  assert.ok(s?.kind === "query" && s.query.kind === "select");
  const { at: _at, input: _input, ...rest } = s.query.from as { at: unknown; input: unknown };
  return rest;
};

test("HOP, CUMULATE and SESSION parse in Flink's argument order", () => {
  assert.deepEqual(fromOf("SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE))"), { kind: "hop", timeColumn: "ts", slide: 5000, size: 60000 });
  assert.deepEqual(fromOf("SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '1' DAY))"), { kind: "cumulate", timeColumn: "ts", step: 3600000, size: 86400000 });
  assert.deepEqual(fromOf("SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTE))"), { kind: "session", partitionBy: [], timeColumn: "ts", gap: 300000 });
  assert.deepEqual(fromOf("SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' SECOND))"), { kind: "session", partitionBy: ["k"], timeColumn: "ts", gap: 5000 });
  assert.deepEqual(fromOf("SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '5' SECOND))"), { kind: "session", partitionBy: ["a", "b"], timeColumn: "ts", gap: 5000 });
  // Named parameters as Flink's docs write them (DATA first, the rest in any order), plural units too.
  assert.deepEqual(fromOf("SELECT * FROM TABLE(CUMULATE(DATA => TABLE t, SIZE => INTERVAL '10' MINUTES, TIMECOL => DESCRIPTOR(ts), STEP => INTERVAL '2' MINUTES))"), {
    kind: "cumulate",
    timeColumn: "ts",
    step: 120000,
    size: 600000,
  });
  assert.deepEqual(fromOf("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, -INTERVAL '5' SECOND))"), { kind: "tumble", timeColumn: "ts", size: 60000, offset: -5000 });
  assert.throws(() => parseScript("SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' SECOND))"), /too many arguments to SESSION/);
});

test("window TVF queries Flink rejects or Sluice does not run yet fail with a typed error at the query", async () => {
  const fails = async (query: string, kind: StreamSqlError["kind"], message: RegExp): Promise<void> => {
    const e = await new SqlSession().execute(`${ddl}\n${query}`).then(
      () => assert.fail(`no error for ${query}`),
      (err: unknown) => err,
    );
    assert.ok(e instanceof StreamSqlError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, message);
  };
  await fails(
    "SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
    "validation",
    /integral multiple of slide/,
  );
  await fails(
    "SELECT window_start, COUNT(*) FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '4' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
    "validation",
    /integral multiple of step/,
  );
  await fails("SELECT window_start, name, COUNT(*) FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '4' SECOND)) GROUP BY window_start, window_end, name", "unsupported", /PARTITION BY/);
  await fails(
    "SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) WHERE window_end > ts GROUP BY window_start, window_end",
    "unsupported",
    /WHERE on window columns/,
  );
});

test("SESSION per partition key merges a key's sessions and keeps other keys apart", async () => {
  const results = await new SqlSession().execute(
    `${ddl}\nSELECT name, window_start, window_end, COUNT(*) AS c, SUM(amount) AS s FROM TABLE(SESSION(TABLE orders PARTITION BY name, DESCRIPTOR(ts), INTERVAL '12' SECOND)) GROUP BY window_start, window_end, name`,
  );
  const last = results[results.length - 1];
  assert.ok(last?.kind === "table");
  const t0 = Date.UTC(2024, 0, 1);
  assert.deepEqual(last.rows.map((r) => [r[0], (r[1] as number) - t0, (r[2] as number) - t0, r[3], r[4]]).sort(), [
    ["alice", 1000, 24000, 2, 17.5],
    ["bob", 4000, 16000, 1, 3.25],
  ]);
});

test("CUMULATE windows grow by step from each size-aligned start; a record is in those ending after it", () => {
  const windows = CumulativeEventTimeWindows.of(20, 5)
    .assignWindows(null, 27, 0)
    .map((w) => [w.start, w.end]);
  assert.deepEqual(windows, [
    [20, 40],
    [20, 35],
    [20, 30],
  ]);
  assert.throws(() => CumulativeEventTimeWindows.of(20, 6), /integral multiple/);
});

test("SQL watermarks: ts - delay, sent at the record that moves them more than 200 ms, else periodically", () => {
  const sent: number[] = [];
  const out = { emitWatermark: (w: number) => sent.push(w), markIdle: () => {}, markActive: () => {} };
  const g = new SqlWatermarkAssigner<null>(2000);
  for (const ts of [10_000, 10_100, 10_250, 9_000]) g.onEvent(null, ts, out);
  assert.deepEqual(sent, [8000, 8250]);
  g.onEvent(null, 10_300, out);
  assert.deepEqual(sent, [8000, 8250]);
  g.onPeriodicEmit(out);
  g.onPeriodicEmit(out);
  assert.deepEqual(sent, [8000, 8250, 8300]);
});
