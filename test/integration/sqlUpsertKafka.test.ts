/**
 * The `upsert-kafka` SQL connector against a real broker: a keyed topic read as a changelog
 * (tombstone = -D), and updating results written as upserts and tombstones, checked with Kafka's
 * own kafka-console-consumer (print.key=true, read_committed) as the oracle.
 *
 *   SLUICE_KAFKA_KEEP=1 node --test --test-force-exit dist/test/integration/sqlUpsertKafka.test.js
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SqlSession } from "../../engine/src/sql/SqlSession.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic } from "./kafkaBroker.js";
import { consoleConsume, produce } from "./kafkaCli.js";

const KEYED = ["--property", "print.key=true", "--property", "key.separator=|"];

describe(`upsert-kafka SQL connector (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();
  const upsert = (name: string, topic: string, extra = "") =>
    `CREATE TABLE ${name} (k STRING, n INT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${broker.bootstrap}', 'key.format' = 'json', 'value.format' = 'json'${extra});`;

  test("reads a keyed topic as a changelog (tombstone = -D) and writes it back as upserts and tombstones", async () => {
    const input = uniqueTopic("upsert-in");
    const output = uniqueTopic("upsert-out");
    await produce(broker, input, [
      { key: '{"k":"a"}', value: '{"k":"a","n":1}' },
      { key: '{"k":"b"}', value: '{"k":"b","n":2}' },
      { key: '{"k":"a"}', value: '{"k":"a","n":3}' },
      { key: '{"k":"a"}', value: '{"k":"a","n":3}' },
      { key: '{"k":"b"}', value: null },
      { key: '{"k":"c"}', value: null },
    ]);
    await broker.client.createTopics([{ topic: output, partitions: 1 }]);
    const session = new SqlSession();
    await session.execute(upsert("users", input, ", 'scan.bounded.mode' = 'latest-offset'"));
    await session.execute(upsert("copy", output, ", 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'upsert-copy'"));
    const [read] = await session.execute("SELECT k, n FROM users");
    assert.equal(read?.kind, "table");
    if (read?.kind !== "table") return;
    assert.deepEqual(read.changelog, [
      { kind: "+I", row: ["a", 1] },
      { kind: "+I", row: ["b", 2] },
      { kind: "-U", row: ["a", 1] },
      { kind: "+U", row: ["a", 3] },
      { kind: "-D", row: ["b", 2] },
    ]);
    assert.deepEqual(read.rows, [["a", 3]]);
    await session.execute("INSERT INTO copy SELECT k, n FROM users");
    assert.deepEqual(await consoleConsume(broker.bootstrap, output, 4, KEYED), ['{"k":"a"}|{"k":"a","n":1}', '{"k":"b"}|{"k":"b","n":2}', '{"k":"a"}|{"k":"a","n":3}', '{"k":"b"}|null']);
  });

  test("an updating GROUP BY lands as upserts per key: the last record of each key is the final count", async () => {
    const output = uniqueTopic("upsert-counts");
    await broker.client.createTopics([{ topic: output, partitions: 1 }]);
    const session = new SqlSession();
    await session.execute(`
      CREATE TABLE gen (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '7', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '7');
      CREATE TABLE counts (page STRING, views BIGINT, PRIMARY KEY (page) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = '${output}', 'properties.bootstrap.servers' = '${broker.bootstrap}', 'key.format' = 'raw', 'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY');
      CREATE VIEW pages AS SELECT CONCAT('/p', CAST(MOD(id, 3) AS STRING)) AS page FROM gen;
      INSERT INTO counts SELECT page, COUNT(*) FROM pages GROUP BY page;
    `);
    const records = await consoleConsume(broker.bootstrap, output, 7, KEYED);
    // One record per change but no UPDATE_BEFORE: 7 input rows, 7 upserts.
    assert.equal(records.length, 7, records.join("\n"));
    const last = new Map(records.map((r) => r.split("|") as [string, string]));
    assert.deepEqual(Object.fromEntries(last), { "/p1": '{"views":3}', "/p2": '{"views":2}', "/p0": '{"views":2}' });
  });

  test("a PRIMARY KEY and a key.format are required, as in Flink", async () => {
    const session = new SqlSession();
    await session.execute(
      `CREATE TABLE nokey (k STRING, n INT) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = '${broker.bootstrap}', 'key.format' = 'json', 'value.format' = 'json')`,
    );
    await assert.rejects(session.execute("SELECT * FROM nokey"), /'upsert-kafka' tables require to define a PRIMARY KEY constraint/);
    await session.execute(
      `CREATE TABLE nofmt (k STRING, n INT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = '${broker.bootstrap}', 'value.format' = 'json')`,
    );
    await assert.rejects(session.execute("SELECT * FROM nofmt"), /missing for 'upsert-kafka' table nofmt: key\.format/);
    await session.execute(
      `CREATE TABLE startup (k STRING, n INT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = '${broker.bootstrap}', 'key.format' = 'json', 'value.format' = 'json', 'scan.startup.mode' = 'earliest-offset')`,
    );
    await assert.rejects(session.execute("SELECT * FROM startup"), /Unsupported options found for 'upsert-kafka': scan\.startup\.mode/);
  });
});
