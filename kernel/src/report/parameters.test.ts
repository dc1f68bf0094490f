import { test } from "node:test";
import assert from "node:assert/strict";
import { ParameterError } from "./errors.js";
import { declaration, inferValue, injectedSource, parseParameter, parseRawParameter } from "./parameters.js";

test("-p values are typed by their text", () => {
  assert.equal(inferValue("42"), 42);
  assert.equal(inferValue("-1.5e3"), -1500);
  assert.equal(inferValue("true"), true);
  assert.equal(inferValue("false"), false);
  assert.equal(inferValue("null"), null);
  assert.deepEqual(inferValue('{"a":[1,2]}'), { a: [1, 2] });
  assert.deepEqual(inferValue("[1,2]"), [1, 2]);
  assert.equal(inferValue('"42"'), "42", "a JSON string stays a string");
  assert.equal(inferValue("fast"), "fast");
  assert.equal(inferValue("0x10"), "0x10", "only JSON numbers are numbers");
  assert.equal(inferValue("007"), "007");
  assert.equal(inferValue(""), "");
  assert.equal(inferValue("1 000"), "1 000");
});

test("JSON-looking text that does not parse is an error, not a silent string", () => {
  assert.throws(
    () => inferValue("{oops", "cfg"),
    (e: unknown) => e instanceof ParameterError && /-r cfg=/.test(e.message),
  );
});

test("key=value splits at the first = and names must be identifiers", () => {
  assert.deepEqual(parseParameter("expr=a=b"), { name: "expr", value: "a=b" });
  assert.deepEqual(parseRawParameter("n=42"), { name: "n", value: "42" });
  for (const bad of ["=1", "noequals", "1x=2", "my-key=1", "const=1", "await=1"]) {
    assert.throws(() => parseParameter(bad), ParameterError, bad);
  }
});

test("declarations widen scalars so code written against the default still type-checks", () => {
  assert.equal(declaration({ name: "n", value: 5 }), "const n: number = 5;");
  assert.equal(declaration({ name: "on", value: false }), "const on: boolean = false;");
  assert.equal(declaration({ name: "s", value: 'say "hi"\n' }), 'const s: string = "say \\"hi\\"\\n";');
  assert.equal(declaration({ name: "o", value: { a: [1] } }), 'const o = {"a":[1]};');
  assert.equal(declaration({ name: "z", value: null }), "const z: any = null;");
});

test("the injected cell declares each name once; the last -p for a name wins", () => {
  const src = injectedSource([parseParameter("a=1"), parseParameter("b=x"), parseParameter("a=2")]);
  assert.deepEqual(src.split("\n").slice(1), ["const a: number = 2;", 'const b: string = "x";']);
});
