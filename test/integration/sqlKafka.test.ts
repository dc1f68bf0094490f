/**
 * The `kafka` SQL connector against a real broker, with Kafka's own kafka-console-consumer
 * (scripts/kafka-cli.sh, read_committed) as the oracle for what a SQL job wrote to a topic.
 *
 *   SLUICE_KAFKA_KEEP=1 node --test --test-force-exit dist/test/integration/sqlKafka.test.js
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SqlSession } from "../../engine/src/sql/SqlSession.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic } from "./kafkaBroker.js";
import { consoleConsume, produce } from "./kafkaCli.js";

function ddl(name: string, columns: string, options: Record<string, string>): string {
  return `CREATE TABLE ${name} (${columns}) WITH (${Object.entries(options)
    .map(([k, v]) => `'${k}' = '${v}'`)
    .join(", ")});`;
}

describe(`kafka SQL connector (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();
  const source = (topic: string, extra: Record<string, string> = {}) => ({
    connector: "kafka",
    topic,
    "properties.bootstrap.servers": broker.bootstrap,
    "scan.startup.mode": "earliest-offset",
    "scan.bounded.mode": "latest-offset",
    format: "json",
    ...extra,
  });

  test("reads JSON rows with metadata columns; a malformed record becomes a dead letter with its reason", async () => {
    const topic = uniqueTopic("sql-in");
    await produce(broker, topic, [
      { value: '{"id": 1, "page": "/a", "ts": "2024-01-01 00:00:01.5"}', timestamp: 1_700_000_000_000 },
      { value: "{not json", timestamp: 1_700_000_000_001 },
      { value: '{"id": "2", "page": "/b"}', timestamp: 1_700_000_000_002 },
      { value: null, timestamp: 1_700_000_000_003 },
      { value: '{"id": "x", "page": "/c"}', timestamp: 1_700_000_000_004 },
    ]);
    // Also with the source on worker threads: the dead letters of a subtask there are the job's (not
    // rerun against the other broker and client: where a subtask runs depends on neither).
    const rerun = kafkaVersion !== "3.9.2" || process.env.SLUICE_KAFKA_CLIENT === "platformatic";
    for (const parallelism of rerun ? [1] : [1, 2]) {
      const session = new SqlSession();
      const { "scan.bounded.mode": _, ...unbounded } = source(topic);
      await session.execute(ddl("clicks", "id BIGINT, page STRING, ts TIMESTAMP(3), kts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp', `offset` BIGINT METADATA VIRTUAL", unbounded));
      if (parallelism > 1) await session.execute(`SET 'parallelism.default' = '${parallelism}';`);
      const [result] = await session.execute("SELECT id, page, ts, kts, `offset` FROM clicks");
      assert.equal(result?.kind, "job");
      if (result?.kind !== "job") return;
      try {
        assert.equal(result.job.threads.workers > 0, parallelism > 1, `parallelism ${parallelism}: on worker threads`);
        // A job that fails (a malformed record under the fail policy) ends the wait too.
        let ended = false;
        void result.job.done.then(
          () => (ended = true),
          () => (ended = true),
        );
        const deadline = Date.now() + 60_000;
        while (!ended && Date.now() < deadline && (result.rows.length < 2 || result.job.deadLetters().length < 2)) await new Promise((r) => setTimeout(r, 50));
        assert.equal(ended, false, `the job ended: ${result.job.status}`);
        assert.deepEqual(result.rows, [
          [1, "/a", Date.parse("2024-01-01T00:00:01.500Z"), 1_700_000_000_000, 0],
          [2, "/b", null, 1_700_000_000_002, 2],
        ]);
        const letters = result.job.deadLetters();
        assert.equal(letters.length, 2);
        assert.match(letters[0]?.reason ?? "", /Failed to deserialize JSON '\{not json'/);
        assert.equal(letters[0]?.offset, 1);
        assert.match(letters[1]?.reason ?? "", /Fail to deserialize at field: id\. \(For input string: "x"/);
        assert.ok(
          letters.every((l) => l.subtask >= 0 && l.subtask < parallelism),
          JSON.stringify(letters.map((l) => [l.operator, l.subtask])),
        );
      } finally {
        await result.job.cancel();
      }
    }
  });

  test("json.ignore-parse-errors skips malformed records; specific-offsets and timestamp start where Flink's do", async () => {
    const topic = uniqueTopic("sql-skip");
    await produce(
      broker,
      topic,
      Array.from({ length: 6 }, (_, i) => ({ value: i === 2 ? "oops" : JSON.stringify({ id: i }), timestamp: 1_700_000_000_000 + i * 1000 })),
    );
    const session = new SqlSession();
    await session.execute(ddl("a", "id INT", source(topic, { "json.ignore-parse-errors": "true" })));
    assert.deepEqual((await session.execute("SELECT id FROM a"))[0], {
      kind: "table",
      columns: [{ name: "id", type: { name: "INT" } }],
      rows: [[0], [1], [3], [4], [5]],
      statement: "SELECT id FROM a",
    });
    await session.execute(ddl("b", "id INT", source(topic, { "json.ignore-parse-errors": "true", "scan.startup.mode": "specific-offsets", "scan.startup.specific-offsets": "partition:0,offset:4" })));
    assert.deepEqual((await session.execute("SELECT id FROM b"))[0], expect([[4], [5]]));
    await session.execute(ddl("c", "id INT", source(topic, { "json.ignore-parse-errors": "true", "scan.startup.mode": "timestamp", "scan.startup.timestamp-millis": "1700000003000" })));
    assert.deepEqual((await session.execute("SELECT id FROM c"))[0], expect([[3], [4], [5]], "c"));

    function expect(rows: unknown[][], table = "b") {
      return { kind: "table", columns: [{ name: "id", type: { name: "INT" } }], rows, statement: `SELECT id FROM ${table}` };
    }
  });

  test("INSERT INTO a kafka table exactly-once: Kafka's console consumer (read_committed) reads Flink's JSON and CSV", async () => {
    const json = uniqueTopic("sql-out-json");
    const csv = uniqueTopic("sql-out-csv");
    await broker.client.createTopics([
      { topic: json, partitions: 1 },
      { topic: csv, partitions: 1 },
    ]);
    const session = new SqlSession();
    await session.execute(`
      CREATE TABLE gen (id INT, score DOUBLE) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3', 'fields.score.min' = '1', 'fields.score.max' = '1');
      ${ddl("out_json", "id INT, label STRING, score DOUBLE, at TIMESTAMP(3)", { connector: "kafka", topic: json, "properties.bootstrap.servers": broker.bootstrap, format: "json", "sink.delivery-guarantee": "exactly-once", "sink.transactional-id-prefix": `sql-${json}` })}
      ${ddl("out_csv", "id INT, label STRING", { connector: "kafka", topic: csv, "properties.bootstrap.servers": broker.bootstrap, "value.format": "csv", "key.format": "raw", "key.fields": "label", "sink.delivery-guarantee": "exactly-once", "sink.transactional-id-prefix": `sql-${csv}` })}
    `);
    await session.execute(`
      INSERT INTO out_json SELECT id, CASE WHEN id = 2 THEN NULL ELSE 'n' || CAST(id AS STRING) END, score, CAST('2024-05-01 10:00:00' AS TIMESTAMP(3)) FROM gen;
      INSERT INTO out_csv SELECT id, CASE WHEN id = 1 THEN 'a,b' ELSE 'x' END FROM gen;
    `);
    assert.deepEqual(await consoleConsume(broker.bootstrap, json, 3), [
      '{"id":1,"label":"n1","score":1.0,"at":"2024-05-01 10:00:00"}',
      '{"id":2,"label":null,"score":1.0,"at":"2024-05-01 10:00:00"}',
      '{"id":3,"label":"n3","score":1.0,"at":"2024-05-01 10:00:00"}',
    ]);
    assert.deepEqual(await consoleConsume(broker.bootstrap, csv, 3, ["--property", "print.key=true", "--property", "key.separator=|"]), ['a,b|1,"a,b"', "x|2,x", "x|3,x"]);
  });

  test("options are validated as Flink validates them", async () => {
    const session = new SqlSession();
    const attempt = async (options: Record<string, string>, columns = "id INT"): Promise<string> => {
      const name = uniqueTopic("t").replace(/-/g, "_");
      await session.execute(ddl(name, columns, options));
      return session.execute(`SELECT * FROM ${name}`).then(
        () => "no error",
        (error: Error) => error.message,
      );
    };
    assert.match(await attempt(source("x", { "scan.startup.mod": "earliest-offset" })), /Unsupported options found for 'kafka': scan\.startup\.mod/);
    assert.match(await attempt(source("x", { "csv.field-delimiter": ";" })), /Unsupported options found for 'kafka': csv\.field-delimiter/);
    assert.match(await attempt(source("x", { "scan.startup.mode": "timestamp" })), /'scan\.startup\.timestamp-millis' is required in 'timestamp' startup mode/);
    assert.match(await attempt(source("x", { "topic-pattern": "x.*" })), /'topic' and 'topic-pattern' shouldn't be set together/);
    assert.match(await attempt(source("x"), "id INT, PRIMARY KEY (id) NOT ENFORCED"), /doesn't support defining PRIMARY KEY/);
    assert.match(await attempt(source("x", { "sink.delivery-guarantee": "exactly-once" })), /sink\.transactional-id-prefix must be specified when using DeliveryGuarantee\.EXACTLY_ONCE/);
    assert.match(await attempt(source("x"), "id INT, p INT METADATA FROM 'partition'"), /only 'timestamp' is writable; declare the column VIRTUAL/);
    // Flink 1.20 takes its watermark options on a kafka table; Sluice honours the idle timeout and refuses the others by name.
    assert.match(await attempt(source("x", { "scan.watermark.emit.strategy": "on-event" })), /option 'scan\.watermark\.emit\.strategy' is not supported yet/);
    assert.match(await attempt(source("x", { "scan.watermark.idle-timeout": "soon" })), /'scan\.watermark\.idle-timeout' must be a duration such as '10 s', not 'soon'/);
    const topic = uniqueTopic("sql-group");
    await produce(broker, topic, [{ value: '{"id":1}' }]);
    // Flink's default start is the group's offsets, with auto.offset.reset 'none': a new group fails.
    const { "scan.startup.mode": _, ...groupDefault } = source(topic, { "properties.group.id": `g-${topic}` });
    assert.match(await attempt(groupDefault), /Undefined offset with no reset policy for partitions: sql-group-\w+-0/);
  });
});
