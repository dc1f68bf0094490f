import assert from "node:assert/strict";
import { test } from "node:test";
import type { Column } from "../catalog.js";
import { parseDuration } from "./kafkaTable.js";
import { FormatError, formatTimestampText, parseTimestampText, rowFormat } from "./rowFormat.js";

const COLS: Column[] = [
  { name: "id", type: { name: "BIGINT" } },
  { name: "name", type: { name: "STRING" } },
  { name: "score", type: { name: "DOUBLE" } },
  { name: "ts", type: { name: "TIMESTAMP", params: [3] } },
];
const T = Date.parse("2024-05-01T10:00:00.500Z");

test("json: Flink's text for DOUBLE (1.0) and TIMESTAMP (fraction as long as needed), read back to the same row", () => {
  const f = rowFormat("t", { format: "json" }, "format", COLS);
  const bytes = f.encode([1, 'a"b', 2, T]);
  assert.equal(bytes.toString(), '{"id":1,"name":"a\\"b","score":2.0,"ts":"2024-05-01 10:00:00.5"}');
  assert.deepEqual(f.decode(bytes), [1, 'a"b', 2, T]);
  // Strings convert as Flink's JsonToRowDataConverters do; a missing field is NULL.
  assert.deepEqual(f.decode(Buffer.from('{"id":"7","score":"1.5"}')), [7, null, 1.5, null]);
  assert.throws(() => f.decode(Buffer.from('{"id":"x"}')), FormatError);
  assert.throws(() => f.decode(Buffer.from('{"ts":"2024-05-01T10:00:00"}')), /SQL \(yyyy-MM-dd HH:mm:ss/);
});

test("format options are read under Flink's prefix for the key that named the format", () => {
  const value = rowFormat("t", { "value.format": "json", "value.json.ignore-parse-errors": "true" }, "value.format", COLS);
  // Under ignore-parse-errors a field Flink cannot read is NULL; a message it cannot read is skipped, here a FormatError: a dead letter with the reason.
  assert.deepEqual(value.decode(Buffer.from('{"id":"x","name":"n"}')), [null, "n", null, null]);
  assert.throws(() => value.decode(Buffer.from("nope")), /^FormatError: the row was dropped: Failed to deserialize JSON 'nope'/);
  const plain = rowFormat("t", { "value.format": "json", "json.ignore-parse-errors": "true" }, "value.format", COLS);
  assert.throws(() => plain.decode(Buffer.from("nope")), /Failed to deserialize JSON 'nope'/);
  assert.throws(() => rowFormat("t", { format: "json", "json.map-null-key.mode": "DROP" }, "format", COLS), /'json\.map-null-key\.mode' is not supported yet/);
  const iso = rowFormat("t", { format: "json", "json.timestamp-format.standard": "ISO-8601" }, "format", COLS);
  assert.match(iso.encode([1, "a", 1.5, T]).toString(), /"ts":"2024-05-01T10:00:00\.500"/);
});

test("csv: quoting where needed, null literal, row length checked", () => {
  const f = rowFormat("t", { format: "csv", "csv.null-literal": "n/a" }, "format", COLS);
  assert.equal(f.encode([1, "x,y", 0.25, null]).toString(), '1,"x,y",0.25,n/a');
  assert.deepEqual(f.decode(Buffer.from('1,"x,y",0.25,n/a')), [1, "x,y", 0.25, null]);
  // Jackson's loose check, as Flink writes: a space (below '-') or more than 24 characters quotes a text value, never a number.
  assert.equal(f.encode([-1, "plain-text.ok", 1.5, T]).toString(), '-1,plain-text.ok,1.5,"2024-05-01 10:00:00.5"');
  assert.equal(f.encode([2, "a b", 3, null]).toString(), '2,"a b",3.0,n/a');
  assert.equal(f.encode([3, "abcdefghijklmnopqrstuvwxyz", 0, null]).toString(), '3,"abcdefghijklmnopqrstuvwxyz",0.0,n/a');
  assert.throws(() => f.decode(Buffer.from("1,2")), /Row length mismatch\. 4 fields expected but was 2/);
  // Flink's CSV reader fails on an empty number (only the null literal is NULL), and on an empty message.
  assert.throws(() => f.decode(Buffer.from(",a,0.5,n/a")), /field: id|For input string: ""|empty String/);
  assert.throws(() => f.decode(Buffer.from("")), /No content to map/);
  const lenient = rowFormat("t", { format: "csv", "csv.ignore-parse-errors": "true" }, "format", COLS);
  assert.deepEqual(lenient.decode(Buffer.from("x,a")), [null, "a", null, null]);
  assert.throws(() => lenient.decode(Buffer.from("1,a,2,2024-01-01 00:00:00,extra")), /the row was dropped: Too many entries/);
});

test("timestamps: SQL and ISO-8601 text", () => {
  assert.equal(formatTimestampText(Date.parse("2024-01-01T00:00:00Z"), false), "2024-01-01 00:00:00");
  assert.equal(formatTimestampText(Date.parse("2024-01-01T00:00:00.120Z"), false), "2024-01-01 00:00:00.12");
  assert.equal(parseTimestampText("2024-01-01 00:00:00.12", false), Date.parse("2024-01-01T00:00:00.120Z"));
  assert.equal(parseTimestampText("2024-01-01T00:00:00", false), null);
});

test("option durations as Flink writes them", () => {
  assert.deepEqual(
    ["10 s", "5 min", "100ms", "250", "1 h"].map((d) => parseDuration("t", "k", d)),
    [10_000, 300_000, 100, 250, 3_600_000],
  );
  assert.throws(() => parseDuration("t", "k", "soon"), /must be a duration such as '10 s'/);
});
