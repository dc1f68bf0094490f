/**
 * The ORDER BY keys of a SELECT and of an OVER window are one grammar (parseSortKeys): directions,
 * NULLS FIRST/LAST and lists parse the same in both places.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Expr, Select, SortKey } from "../ast.js";
import { parseScript } from "../parser.js";

const ORDER = "a DESC NULLS FIRST, b ASC NULLS LAST, c, d DESC";
const EXPECTED = [
  { column: "a", desc: true, nullsFirst: true },
  { column: "b", desc: false, nullsFirst: false },
  { column: "c", desc: false, nullsFirst: undefined },
  { column: "d", desc: true, nullsFirst: undefined },
];

const select = (sql: string): Select => {
  const [parsed] = parseScript(sql);
  assert.ok(parsed?.statement.kind === "query" && parsed.statement.query.kind === "select");
  return parsed.statement.query;
};
const shown = (keys: SortKey[] | undefined) => (keys ?? []).map((k) => ({ column: k.expr.kind === "column" ? k.expr.name : k.expr.kind, desc: k.desc, nullsFirst: k.nullsFirst }));

test("a SELECT's ORDER BY keys", () => {
  assert.deepEqual(shown(select(`SELECT a FROM t ORDER BY ${ORDER} LIMIT 3`).orderBy), EXPECTED);
});

test("an OVER window's ORDER BY keys, inline and in a WINDOW clause", () => {
  const inline = select(`SELECT ROW_NUMBER() OVER (PARTITION BY k ORDER BY ${ORDER}) FROM t`);
  const item = inline.items[0];
  assert.ok(item?.kind === "expr" && item.expr.kind === "call");
  assert.deepEqual(shown((item.expr as Extract<Expr, { kind: "call" }>).over?.orderBy), EXPECTED);
  const named = select(`SELECT COUNT(*) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ${ORDER} ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)`);
  assert.deepEqual(shown(named.windows?.w?.orderBy), EXPECTED);
});

test("NULLS without FIRST or LAST fails in both places", () => {
  assert.throws(() => parseScript("SELECT a FROM t ORDER BY a NULLS LATE"), /expected FIRST or LAST after NULLS/);
  assert.throws(() => parseScript("SELECT COUNT(*) OVER (ORDER BY a NULLS LATE) FROM t"), /expected FIRST or LAST after NULLS/);
});
