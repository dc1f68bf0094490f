/**
 * `json.ignore-parse-errors` / `csv.ignore-parse-errors` on the `kafka` SQL connector, against a real
 * broker and, as the oracle, Flink 1.20's own SQL engine reading the same topics (test/flink-sql's
 * MiniCluster JVM with flink-connector-kafka, as sqlKafkaWatermarks.test.ts). Flink's formats keep a
 * message whose field cannot be read, that field NULL (a wrong JSON type, a non-number, an integer out
 * of range, a CSV row too short), and skip one they cannot read at all (not JSON, not an object, a CSV
 * row with too many fields). Sluice must give the same rows, and each skipped message is a dead letter
 * of the job with the reason.
 *
 *   node --test --test-force-exit dist/test/integration/sqlKafkaParseErrors.test.js
 *
 * SLUICE_FLINK_ORACLE=off leaves Flink out (the expected rows are still checked).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { JobHandle } from "../../engine/src/runtime/JobHandle.js";
import { onJobStarted } from "../../engine/src/runtime/jobRegistry.js";
import { runSluice } from "../flink-sql/oracle.js";
import { assertFlinkRows, rowsOf } from "../support/kafkaSqlOracle.js";
import { connectToBroker, kafkaTestsOff, kafkaVersion, uniqueTopic, type BrokerConnection } from "./kafkaBroker.js";
import { produce } from "./kafkaCli.js";

/** Messages of a JSON topic: the fields a wrong type NULLs, and what is not a JSON object at all. */
const JSON_MESSAGES = [
  '{"id":1,"v":"abc","s":"a","t":"2024-01-01 00:00:01"}',
  '{"id":2,"v":true,"s":true,"t":"2024-01-01T00:00:02"}',
  "not json",
  '{"id":3,"v":99999999999,"s":5,"t":5}',
  "[1,2]",
  '{"id":4,"v":1.5,"s":[1,"x"],"t":"2024-01-01 00:00:04.5"}',
  '{"id":5,"v":" +7 ","s":{"k":null}}',
  '{"id":6,"v":6,',
  '{"id":7,"v":"7","s":"g","t":""}',
  "",
  "null",
];

/** Messages of a CSV topic (id INT, v INT, s STRING). */
const CSV_MESSAGES = ["1,abc,x", "2,1.5,y", "3", "4,4,z,extra", "5,,w", "6, 7 ,ok", '7,8,"q,r"', '8,9,"unclosed', "9,99999999999,big", ""];

interface Case {
  name: string;
  format: "json" | "csv";
  columns: string;
  messages: string[];
  /** Flink's rows (JSON arrays as the oracle prints them, sorted). */
  expected: string[];
  /** The offsets of the messages Flink skips: Sluice's dead letters. */
  skipped: number[];
}

const CASES: Case[] = [
  {
    name: "json",
    format: "json",
    columns: "id INT, v INT, s STRING, t TIMESTAMP(3)",
    messages: JSON_MESSAGES,
    expected: ['[1,null,"a","2024-01-01 00:00:01.000"]', '[2,null,"true",null]', '[3,null,"5",null]', '[4,1,"[1,\\"x\\"]","2024-01-01 00:00:04.500"]', '[5,7,"{\\"k\\":null}",null]', '[7,7,"g",null]'],
    // Not JSON, not an object, cut short, JSON null; an empty message is no row and no error.
    skipped: [2, 4, 7, 10],
  },
  {
    name: "csv",
    format: "csv",
    columns: "id INT, v INT, s STRING",
    messages: CSV_MESSAGES,
    expected: ['[1,null,"x"]', '[2,null,"y"]', "[3,null,null]", '[5,null,"w"]', '[6,7,"ok"]', '[7,8,"q,r"]', '[9,null,"big"]'],
    // Too many fields, an unclosed quote, an empty message.
    skipped: [3, 7, 9],
  },
];

function script(broker: BrokerConnection, topic: string, c: Case): string {
  const options = {
    connector: "kafka",
    topic,
    "properties.bootstrap.servers": broker.bootstrap,
    "scan.startup.mode": "earliest-offset",
    "scan.bounded.mode": "latest-offset",
    format: c.format,
    [`${c.format}.ignore-parse-errors`]: "true",
  };
  const withs = Object.entries(options)
    .map(([k, v]) => `'${k}' = '${v}'`)
    .join(", ");
  return `CREATE TABLE t (${c.columns}) WITH (${withs});\nSELECT * FROM t;\n`;
}

describe(`kafka SQL formats under ignore-parse-errors (Kafka ${kafkaVersion})`, { skip: kafkaTestsOff && "SLUICE_KAFKA_TESTS=off" }, () => {
  const broker = connectToBroker();

  test("a field that cannot be read is NULL, a message that cannot be read is skipped (a dead letter): the same rows as Flink", { timeout: 240_000 }, async () => {
    const scripts: { c: Case; sql: string }[] = [];
    for (const c of CASES) {
      const topic = uniqueTopic(`sql-ipe-${c.name}`);
      await produce(
        broker,
        topic,
        c.messages.map((value) => ({ value })),
      );
      scripts.push({ c, sql: script(broker, topic, c) });
    }
    assertFlinkRows(scripts.map(({ c, sql }) => ({ name: c.name, sql, expected: c.expected })));
    for (const { c, sql } of scripts) {
      const jobs: JobHandle[] = [];
      const stop = onJobStarted((job) => jobs.push(job));
      const sluice = await runSluice(sql).finally(stop);
      const letters = jobs.flatMap((j) => j.deadLetters());
      assert.deepEqual(rowsOf(sluice), c.expected, `Sluice's result (${c.name})`);
      assert.deepEqual(
        letters.map((l) => l.offset),
        c.skipped,
        `the skipped messages are dead letters (${c.name}): ${letters.map((l) => l.reason).join("; ")}`,
      );
      assert.match(letters[0]?.reason ?? "", c.format === "json" ? /the row was dropped: Failed to deserialize JSON 'not json'/ : /the row was dropped: Too many entries: expected at most 3/);
    }
  });
});
