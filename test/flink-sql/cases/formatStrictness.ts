/**
 * Reading a number column from text as Flink's CSV and JSON formats do (Integer.parseInt and kin, after
 * a trim): a fraction or an out-of-range value in an integer column fails the job, on both sides.
 */
import type { OracleCase } from "../cases.js";

const table = (type: string, format: string): string => `CREATE TABLE t (id INT, v ${type}) WITH ('connector' = 'filesystem', 'path' = '{input}', 'format' = '${format}');\nSELECT id, v FROM t;\n`;

export const FORMAT_STRICTNESS_CASES: OracleCase[] = [
  { name: "csv_int_fraction_fails", default: true, sql: table("INT", "csv"), files: { input: "1,2\n2,1.5\n" }, error: /1\.5/ },
  { name: "csv_tinyint_out_of_range_fails", default: false, sql: table("TINYINT", "csv"), files: { input: "1,2\n2,300\n" }, error: /300/ },
  { name: "csv_bigint_infinity_fails", default: false, sql: table("BIGINT", "csv"), files: { input: "1,2\n2,-Infinity\n" }, error: /Infinity/ },
  { name: "json_int_fraction_string_fails", default: false, sql: table("INT", "json"), files: { input: '{"id":1,"v":"1.5"}\n' }, error: /field: v\b/ },
];
