import { after, test } from "node:test";
import assert from "node:assert/strict";
import { CellRunner } from "./cellRunner.js";

const runner = new CellRunner(process.cwd());
after(() => runner.close());

test("a cell's last expression is its result and declarations persist", async () => {
  assert.deepEqual(await runner.execute("const n: number = 20;", 1), { status: "ok" });
  assert.deepEqual(await runner.execute("n * 2 + 2", 2), { status: "ok", result: { value: 42 } });
});

test("a runtime error is mapped to the line and column of the cell that threw", async () => {
  await runner.execute("\n// a comment the compiler drops\ninterface P { x: number }\nfunction fail(p: P) {\n\n  return p.x.toFixed(-1);\n}", 3);
  const r = await runner.execute("fail({ x: 1 })", 4);
  assert.equal(r.status, "error");
  if (r.status !== "error") return;
  assert.equal(r.error.ename, "RangeError");
  const tb = r.error.traceback.join("\n");
  assert.match(tb, /at fail \(Cell In\[3\], line 6, column 14\)/);
  assert.match(tb, /\(Cell In\[4\], line 1, column 1\)/);
});

test("a type error reports the cell's line and column", async () => {
  const r = await runner.execute("const a = 1;\nconst b: string = a;", 5);
  assert.equal(r.status, "error");
  if (r.status === "error") assert.match(r.error.evalue, /line 2, column 7/);
});

test("interrupt cancels a pending top-level await", async () => {
  const pending = runner.execute("await new Promise(() => {})", 6);
  setTimeout(() => runner.interrupt(), 50);
  const r = await pending;
  assert.equal(r.status === "error" && r.error.ename, "Interrupted");
});

test("completeness: incomplete, invalid and complete code", () => {
  assert.deepEqual(runner.isComplete("if (x) {"), { status: "incomplete", indent: "  " });
  assert.deepEqual(runner.isComplete("let = ;"), { status: "invalid" });
  assert.deepEqual(runner.isComplete("let y = 1;"), { status: "complete" });
});

test("shorthand properties see variables of earlier cells", async () => {
  await runner.execute("const first = 1;\nlet second = 'two';", 7);
  assert.deepEqual(await runner.execute("({ first, second, third: 3 })", 8), { status: "ok", result: { value: { first: 1, second: "two", third: 3 } } });
  assert.deepEqual(await runner.execute("let x = 0; ({ x } = { x: 5 }); x", 9), { status: "ok", result: { value: 5 } });
});

test("a top-level await whose operand starts with a parenthesis or bracket is an await", async () => {
  await runner.execute("const box = { open: async () => 41 };", 10);
  assert.deepEqual(await runner.execute("await (box as any).open() + 1", 11), { status: "ok", result: { value: 42 } });
  assert.deepEqual(await runner.execute("const pair = await [1, 2];\n(await (async () => ({ v: 3 }))()).v + pair.length", 12), { status: "ok", result: { value: 5 } });
  assert.deepEqual(await runner.execute("await (await Promise.resolve(Promise.resolve(7)))", 13), { status: "ok", result: { value: 7 } });
  const r = await runner.execute("\n\nawait (box as any).missing()", 14);
  assert.equal(r.status, "error");
  if (r.status === "error") assert.match(r.error.traceback.join("\n"), /Cell In\[14\], line 3/);
});

test("a cell that threw keeps the declarations it reached, as Python keeps its assignments", async () => {
  const r = await runner.execute("const reached = 1;\nlet alsoReached = 'two';\nfunction hoisted() { return 3; }\ninterface Shape { n: number }\nthrow new Error('boom');\nconst notReached = 4;", 15);
  assert.equal(r.status, "error");
  assert.deepEqual(await runner.execute("const s: Shape = { n: reached + hoisted() }; s.n + alsoReached.length", 16), { status: "ok", result: { value: 7 } });
  const missing = await runner.execute("notReached", 17);
  assert.equal(missing.status === "error" && missing.error.ename, "TSError");
  const afterAwait = await runner.execute("const early = 5;\nawait Promise.reject(new Error('async boom'));", 18);
  assert.equal(afterAwait.status, "error");
  assert.deepEqual(await runner.execute("early * 2", 19), { status: "ok", result: { value: 10 } });
  // Completion and inspection see them too.
  assert.ok(runner.complete("reac", 4).matches.includes("reached"));
});

test("one type error is reported once, its most specific message first, with its excerpt once", async () => {
  // tsc reports this as one diagnostic with a chain (TS2345 → TS2201 → TS2740); tslab flattens the chain.
  const r = await runner.execute("function takesGetter(o: { get(): Date }) { return o; }\nconst getter = { get: () => ({ x: 1 }) };\ntakesGetter(getter);", 20);
  assert.equal(r.status, "error");
  if (r.status !== "error") return;
  const tb = r.error.traceback.join("\n");
  assert.equal(tb.match(/--> 3/g)?.length, 1, tb);
  assert.equal(tb.match(/Cell In\[20\], line 3, column 13/g)?.length, 1, tb);
  assert.match(r.error.traceback[0] ?? "", /TS2740.*: Type '\{ x: number; \}' is missing the following properties from type 'Date'/);
  assert.match(r.error.evalue, /^Type '\{ x: number; \}' is missing .* \(line 3, column 13\)$/);
  for (const code of ["TS2201", "TS2345"]) assert.match(tb, new RegExp(code), `the outer messages stay as context: ${tb}`);
  // Two problems stay two errors.
  const two = await runner.execute("const s1: string = 1;\nconst s2: number = 'x';", 21);
  assert.equal(two.status === "error" && two.error.traceback.filter((l) => /^\S*TS2322/.test(l)).length, 2);
});
