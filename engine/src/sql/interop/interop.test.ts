import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { CollectSink } from "../../sinks/MemorySinks.js";
import { WatermarkStrategy } from "../../time/WatermarkStrategy.js";
import { TumblingEventTimeWindows } from "../../windows/WindowAssigner.js";
import { SqlSession } from "../SqlSession.js";
import { SqlWatermarkAssigner } from "../watermarks.js";
import { Schema } from "./Schema.js";
import type { Row } from "./Row.js";
import { StreamTableEnvironment } from "./StreamTableEnvironment.js";

interface View {
  page: string;
  user: number;
  ts: number;
}

const VIEWS: View[] = [
  { page: "/a", user: 1, ts: 1_000 },
  { page: "/b", user: 2, ts: 2_000 },
  { page: "/a", user: 3, ts: 4_500 },
  { page: "/a", user: 1, ts: 6_000 },
  { page: "/b", user: 2, ts: 11_000 },
];

function views(env: StreamEnvironment) {
  return env.fromArray(VIEWS).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<View>().withTimestampAssigner((v) => v.ts));
}

const SCHEMA = Schema.newBuilder().column("page", "STRING").column("user", "BIGINT").columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)").watermark("rowtime", "SOURCE_WATERMARK()").build();

/** VIEWS and a record late for the window [0 s, 5 s) once 6 s was seen: the stream's watermark (sent at each record that moves it) must drop it. */
function withLateView(env: StreamEnvironment) {
  return env
    .fromArray([...VIEWS.slice(0, 4), { page: "/a", user: 9, ts: 2_000 }, VIEWS[4] as View])
    .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<View>(() => new SqlWatermarkAssigner(0)).withTimestampAssigner((v) => v.ts));
}

test("a DataStream as a table with the stream's timestamps and watermarks: a TUMBLE count equals the DataStream window count", async () => {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env, new SqlSession());
  tEnv.createTemporaryView("clicks", withLateView(env), SCHEMA);
  const sql = new CollectSink<string>("sql");
  tEnv
    .toDataStream(tEnv.sqlQuery("SELECT window_start, page, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(rowtime), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, page"))
    .map((r) => `${r.getField("window_start") as number}|${r.getField("page") as string}|${r.getField("n") as number}|${r.getKind()}`)
    .sinkTo(sql);
  // The oracle: the same count with the DataStream window API.
  const ds = new CollectSink<string>("ds");
  withLateView(env)
    .keyBy((v) => v.page)
    .window(TumblingEventTimeWindows.of(5_000))
    .process<string>((page, ctx, elements, out) => out.collect(`${ctx.window.start}|${page}|${elements.length}|+I`))
    .sinkTo(ds);
  await env.execute("interop").wait();
  assert.deepEqual([...sql.values].sort(), [...ds.values].sort());
  // The late view is in neither: SOURCE_WATERMARK() kept the stream's watermarks (without them the SQL
  // window would only close at the end of input, and count it).
  assert.deepEqual([...sql.values].sort(), ["0|/a|2|+I", "0|/b|1|+I", "10000|/b|1|+I", "5000|/a|1|+I"]);
});

test("toChangelogStream gives Rows with their RowKind; a %%ssql query over the same view sees the same changelog", async () => {
  const session = new SqlSession();
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env, session);
  tEnv.createTemporaryView("clicks", views(env), SCHEMA);
  const out = new CollectSink<Row>("changes");
  tEnv.toChangelogStream(tEnv.sqlQuery("SELECT page, COUNT(*) AS views FROM clicks GROUP BY page")).sinkTo(out);
  await env.execute("changelog").wait();
  assert.deepEqual(
    out.values.map((r) => r.toString()),
    ["+I[/a, 1]", "+I[/b, 1]", "-U[/a, 1]", "+U[/a, 2]", "-U[/a, 2]", "+U[/a, 3]", "-U[/b, 1]", "+U[/b, 2]"],
  );
  // The same catalog from SQL text (what a %%ssql cell runs): planned into the view's environment.
  const [result] = await session.execute("SELECT page, COUNT(*) AS views FROM clicks GROUP BY page");
  assert.equal(result?.kind, "table");
  if (result?.kind !== "table") return;
  assert.deepEqual(
    result.changelog?.map((c) => `${c.kind}[${c.row.join(", ")}]`),
    out.values.map((r) => r.toString()),
  );
  assert.deepEqual(out.values[0]?.toObject(), { page: "/a", views: 1 });
});

test("toDataStream refuses an updating result, as Flink; DDL from executeSql is visible to sqlQuery", async () => {
  const env = StreamEnvironment.create();
  const tEnv = StreamTableEnvironment.create(env, new SqlSession());
  await tEnv.executeSql("CREATE TABLE gen (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3')");
  assert.throws(() => tEnv.toDataStream(tEnv.sqlQuery("SELECT COUNT(*) FROM gen")), /doesn't support consuming update changes: use toChangelogStream/);
  const out = new CollectSink<Row>("ids");
  tEnv.toDataStream(tEnv.sqlQuery("SELECT id * 10 AS x FROM gen")).sinkTo(out);
  await env.execute("ddl").wait();
  assert.deepEqual(
    out.values.map((r) => r.getField("x")),
    [10, 20, 30],
  );
  // A Table from fromDataStream names itself in SQL text, as Flink's Table.toString() does.
  const table = tEnv.fromDataStream(env.fromArray([{ page: "/z" }]), Schema.newBuilder().column("page", "STRING").build());
  const [described] = await tEnv.executeSql(`DESCRIBE ${table}`);
  assert.equal(described?.kind === "table" && described.rows[0]?.[0], "page");
});
