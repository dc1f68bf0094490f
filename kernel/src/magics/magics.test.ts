import { test } from "node:test";
import assert from "node:assert/strict";
import { parseMagic } from "./magicParser.js";
import { parseSqlArgs } from "./sql/sqlArgs.js";
import { bindVariables, UnknownVariableError } from "./sql/sqlParameters.js";
import { rowType } from "./sql/rowType.js";
import { splitWords } from "./jobsMagic.js";

test("cell and line magics are recognised with their body line", () => {
  assert.deepEqual(parseMagic("%%sql -o x\nselect 1"), { name: "sql", kind: "cell", args: "-o x", body: "select 1", bodyLine: 2 });
  assert.deepEqual(parseMagic("%sql select 1"), { name: "sql", kind: "line", args: "select 1", body: "", bodyLine: 1 });
  assert.equal(parseMagic("const x = 1 % 2"), undefined);
  assert.equal(parseMagic("%sql select 1\nconst y = 2"), undefined);
});

test("sql options", () => {
  assert.deepEqual(parseSqlArgs("--chart line x=t y=n color=k -o rows", "cell"), {
    output: "rows",
    chart: { mark: "line", x: "t", y: "n", color: "k" },
    with: [],
    noExecute: false,
  });
  assert.deepEqual(parseSqlArgs("open /tmp/a.duckdb", "line"), { open: "/tmp/a.duckdb", with: [], noExecute: false });
  assert.equal(parseSqlArgs("select 1", "line").inlineSql, "select 1");
  assert.equal(parseSqlArgs("--limit 0", "cell").limit, 0);
  assert.deepEqual(parseSqlArgs("rows << --limit 3", "cell"), { output: "rows", limit: 3, with: [], noExecute: false });
  assert.deepEqual(parseSqlArgs("n << select 1 as x", "line"), { output: "n", inlineSql: "select 1 as x", with: [], noExecute: false });
  assert.deepEqual(parseSqlArgs("--save a --with b --with c select * from b", "line"), { save: "a", with: ["b", "c"], noExecute: false, inlineSql: "select * from b" });
  assert.throws(() => parseSqlArgs("--no-execute", "cell"), /goes with --save/);
  assert.throws(() => parseSqlArgs("--limit -1", "cell"), /whole number/);
  assert.throws(() => parseSqlArgs("--chart pie x=a y=b", "cell"), /bar, line, area or point/);
  assert.throws(() => parseSqlArgs("--chart bar x=a", "cell"), /y=COLUMN/);
  assert.throws(() => parseSqlArgs("-o 1x", "cell"), /variable name/);
});

test("variables become bound parameters, never text; quotes and comments are left alone", () => {
  const vars: Record<string, unknown> = { who: "x'; drop table t; --", n: 3 };
  const lookup = (name: string) => (name in vars ? { found: true, value: vars[name] } : { found: false });
  const r = bindVariables("select '{who}', \"$n\" from t where a = {who} and b > $n -- $who\n and c = $1", lookup);
  assert.equal(r.text, "select '{who}', \"$n\" from t where a = ? and b > ? -- $who\n and c = $1");
  assert.deepEqual(r.params, ["x'; drop table t; --", 3]);
  assert.throws(() => bindVariables("select {missing}", lookup), UnknownVariableError);
});

test("-o rows get a TypeScript type from the columns", () => {
  const t = rowType(
    [
      { name: "page", type: "VARCHAR" },
      { name: "n", type: "BIGINT" },
      { name: "ts", type: "TIMESTAMP" },
      { name: "xs", type: "INTEGER[]" },
    ],
    [
      { page: "a", n: 1, ts: new Date(), xs: [1] },
      { page: null, n: 2, ts: new Date(), xs: [] },
    ],
  );
  assert.equal(t, '{ "page": string | null; "n": number; "ts": Date; "xs": number[] }[]');
});

test("%jobs arguments keep quoted job names whole", () => {
  const words = (args: string) => splitWords(args).map((w) => w.text);
  assert.deepEqual(words('stop "page views" before-upgrade'), ["stop", "page views", "before-upgrade"]);
  assert.deepEqual(words("cancel 'a b'"), ["cancel", "a b"]);
  assert.deepEqual(words("  show   2 "), ["show", "2"]);
  assert.deepEqual(
    splitWords('cancel "1" 2').map((w) => w.quoted),
    [false, true, false],
  );
});
