/**
 * One way to do each thing (issue 17): a cell makes every source and sink with a factory of the
 * connector's namespace, `Connector.kind(options)` (`DataGen.pageViews`, `FileSource.csv`,
 * `Kafka.source`, `Nexmark.source`, `duckdb.source`, `sinks.collect`, `duckdb.table`, `Kafka.sink`,
 * `chart.line`), passed to Flink's `env.fromSource` / `sinkTo`. The older second spellings are gone
 * from the index, which is what cells see (the kernel pre-imports every export).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as api from "../index.js";

test("the index has no second spelling of a factory or of DuckDB access", () => {
  for (const gone of ["Sinks", "CollectSink", "LatestSink", "kafkaSource", "kafkaSink", "query", "sharedDatabase", "openSharedDatabase"]) {
    assert.ok(!(gone in api), `${gone} is still exported`);
  }
  assert.equal((api.StreamEnvironment.prototype as unknown as Record<string, unknown>)["fromSql"], undefined, "env.fromSql duplicates env.fromSource(duckdb.source(...))");
});

test("Kafka.source and Kafka.sink are the Kafka factories and check their options when declared", () => {
  assert.throws(() => api.Kafka.source({ brokers: ["127.0.0.1:1"] }), /Kafka.source needs either `topics` or `topicPattern`/);
  assert.throws(() => api.Kafka.sink({ topic: "t" }), /Kafka.sink needs `brokers` or a `client`/);
  const source = api.Kafka.source<{ n: number }>({ brokers: ["127.0.0.1:1"], topics: ["t"] });
  const env = api.StreamEnvironment.create();
  const stream: api.DataStream<{ n: number }> = env.fromSource(source);
  stream.map((r) => r.n).sinkTo(api.Kafka.sink<number>({ brokers: ["127.0.0.1:1"], topic: "out" }));
});

test("duckdb.source is the one way to stream a query's rows", async () => {
  await api.duckdb.query("create or replace table one_way as select range::INT as i from range(5)");
  const env = api.StreamEnvironment.create();
  const rows = await env
    .fromSource(api.duckdb.source<{ i: number }>("select i from one_way where i >= ? order by i", [2]))
    .map((r) => r.i)
    .executeAndCollect();
  assert.deepEqual(rows, [2, 3, 4]);
  // Type level: duckdb.table's key names are checked against the stream's record type, which comes
  // from the stream, not from these names (before, TypeScript 5.9 took `T` from `columns` and rejected `"k"` in `key`).
  const typed = env.fromArray([{ i: 1, k: "a" }]);
  typed.sinkTo(api.duckdb.table("one_way_keys", { mode: "upsert", key: ["i", "k"], columns: { i: "BIGINT" } }));
});
