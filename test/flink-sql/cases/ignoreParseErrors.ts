/**
 * `csv.ignore-parse-errors` / `json.ignore-parse-errors` on the filesystem connector, and what fails
 * without them. Flink 1.20.1 keeps a row whose field cannot be read, the field NULL (a non-number in an
 * INT, a fraction, an out-of-range integer, a wrong JSON type), reads a short CSV row's missing fields
 * as NULL, and drops a row it cannot read at all (malformed JSON, a line that is not a JSON object, a
 * CSV row with too many fields). Without the option each of those fails the job.
 * Not a case: Flink's filesystem CSV reader ignores parse errors when the key is present at all
 * (CsvFileFormatFactory reads `getOptional(IGNORE_PARSE_ERRORS).isPresent()`), so
 * 'csv.ignore-parse-errors' = 'false' ignores them too; Sluice reads the value (false fails the job,
 * fileSystem.test.ts), and a case cannot mark a Flink bug where Sluice fails.
 */
import type { OracleCase } from "../cases.js";

const CSV_IGNORE = ", 'csv.ignore-parse-errors' = 'true'";
const JSON_IGNORE = ", 'json.ignore-parse-errors' = 'true'";

const table = (columns: string, format: string, options: string): string =>
  `CREATE TABLE t (${columns}) WITH ('connector' = 'filesystem', 'path' = '{input}', 'format' = '${format}'${options});\nSELECT * FROM t;\n`;

const lines = (...l: string[]): string => `${l.join("\n")}\n`;

export const IGNORE_PARSE_ERROR_CASES: OracleCase[] = [
  {
    name: "csv_ignore_bad_int_fields_null",
    default: true,
    sql: table("id INT, v INT, s STRING", "csv", CSV_IGNORE),
    files: { input: lines("1,abc,x", "2,1.5,y", "3,99999999999,z", "4,,w", "5, 7 ,ok") },
  },
  {
    name: "csv_ignore_other_types_null",
    default: false,
    sql: table("id INT, d DOUBLE, t TIMESTAMP(3), b BOOLEAN, n TINYINT", "csv", CSV_IGNORE),
    files: { input: lines("1,0x10,2024-01-01 00:00:01, TRUE ,300", "2,NaN,nope,abc,-128", "3, 2.5 ,2024-01-01 00:00:02.5,true,1.5", "4,1e3,,false,7", "5,1.5d,x,x,x", "6,,,,") },
  },
  {
    name: "csv_ignore_short_rows_null",
    default: false,
    sql: table("id INT, v INT, s STRING", "csv", CSV_IGNORE),
    // A blank line is one empty field: its id cannot be read, the rest is missing — a row of NULLs.
    files: { input: lines("1,5", "2,3,y", "3", "", "4,4,z") },
  },
  { name: "csv_ignore_long_rows_dropped", default: false, sql: table("id INT, v INT, s STRING", "csv", CSV_IGNORE), files: { input: lines("1,5,x,extra", "2,3,y", '3,4,z,"e,f"', "4,4,w") } },
  { name: "csv_ignore_with_null_literal", default: false, sql: table("id INT, v INT, s STRING", "csv", `${CSV_IGNORE}, 'csv.null-literal' = 'N'`), files: { input: lines("1,N,x", "2,abc,N") } },
  { name: "csv_short_row_fails", default: false, sql: table("id INT, v INT, s STRING", "csv", ""), files: { input: lines("1,5,x", "2,3") }, error: /Row length mismatch. 3 fields expected but was 2/ },
  { name: "csv_long_row_fails", default: false, sql: table("id INT, v INT, s STRING", "csv", ""), files: { input: lines("1,5,x,extra") }, error: /Too many entries: expected at most 3/ },
  { name: "csv_blank_line_fails", default: false, sql: table("id INT", "csv", ""), files: { input: lines("1", "", "2") }, error: /For input string: ""|empty String/ },
  {
    name: "json_ignore_malformed_rows_dropped",
    default: true,
    sql: table("id INT, v INT, s STRING", "json", JSON_IGNORE),
    // An empty line is no record (Flink's reader passes none); a line of spaces is malformed.
    files: { input: lines('{"id":1,"v":', '{"id":2,"v":2,"s":"b"}', '{"id":3,"v":3,"s":"c",}', "[1,2]", "null", "   ", "", '{"id":4,"s":"d"', '{"id":5,"v":5,"s":"e"}') },
  },
  {
    name: "json_ignore_wrong_types_null",
    default: false,
    sql: table("id INT, v INT, s STRING", "json", JSON_IGNORE),
    files: {
      input: lines(
        '{"id":1,"v":"abc","s":"a"}',
        '{"id":2,"v":true,"s":true}',
        '{"id":3,"v":99999999999,"s":5}',
        '{"id":4,"v":"1.5","s":[1,"x"]}',
        '{"id":5,"v":1.5,"s":{"k":null}}',
        '{"id":6,"v":-1.9,"s":"f"}',
        '{"id":7,"v":1e3,"s":"g"}',
        '{"id":8,"v":" +7 ","s":"h"}',
        '{"id":10,"v":-2147483648,"s":"j"}',
      ),
    },
  },
  {
    name: "json_ignore_other_types_null",
    default: false,
    sql: table("id INT, d DOUBLE, n TINYINT, b BOOLEAN, t TIMESTAMP(3)", "json", JSON_IGNORE),
    files: {
      input: lines(
        '{"id":1,"d":"NaN","n":1.5,"b":"TRUE","t":"nope"}',
        '{"id":2,"d":"1e3","n":300,"b":1,"t":5}',
        '{"id":3,"d":" 2.5 ","n":" 7 ","b":" true ","t":"2024-01-01T00:00:01"}',
        '{"id":4,"d":"0x10","n":true,"b":false,"t":"2024-01-01 00:00:01.5"}',
        '{"id":5,"d":true,"n":-128,"b":"x","t":"2024-01-01 00:00:02"}',
        '{"id":6,"d":"","n":"","b":"","t":""}',
        '{"id":7,"d":5,"n":"1.5d","b":null,"t":null}',
      ),
    },
  },
  {
    name: "json_ignore_object_in_int_field",
    default: false,
    sql: table("id INT, v INT, s STRING", "json", JSON_IGNORE),
    files: { input: lines('{"id":1,"v":{"a":1},"s":"x"}', '{"id":2,"v":3,"s":"y"}') },
    flinkBug:
      'json\'s default decoder (json.decode.json-parser.enabled = true) goes on reading inside an object whose field failed: its fields are taken as the row\'s and its \'}\' ends the row, so s is NULL here (an array there can drop the row) (and {"s":"inner"} would set s); with the option false Flink gives [1,null,"x"] as Sluice does',
  },
  { name: "json_wrong_type_fails", default: false, sql: table("id INT, v INT", "json", ""), files: { input: lines('{"id":1,"v":true}') }, error: /field: v\b/ },
  { name: "json_int_out_of_range_fails", default: false, sql: table("id INT, v INT", "json", ""), files: { input: lines('{"id":1,"v":99999999999}') }, error: /field: v\b/ },
  { name: "json_timestamp_number_fails", default: false, sql: table("id INT, v TIMESTAMP(3)", "json", ""), files: { input: lines('{"id":1,"v":5}') }, error: /field: v\b/ },
  { name: "json_not_an_object_fails", default: false, sql: table("id INT, v INT", "json", ""), files: { input: lines("[1,2]") }, error: /No content to map|not a JSON object/ },
  { name: "json_empty_line_skipped", default: false, sql: table("id INT, v INT", "json", ""), files: { input: lines('{"id":1,"v":1}', "", '{"id":2,"v":2}') } },
  { name: "json_fraction_truncated", default: false, sql: table("id INT, v INT, w BIGINT", "json", ""), files: { input: lines('{"id":1,"v":1.5,"w":-2.7}') } },
];
