/**
 * The result views of `%%ssql`: single (Zeppelin's template syntax), a bounded append view, and the
 * check that an append view needs an append-only result. Through a SqlSession and a real job.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SqlSession, StreamSqlError } from "../index.js";
import { singleBundle } from "./single.js";

import type { Column } from "../catalog.js";

test("singleBundle fills Zeppelin's {n} from the last row, escaping values into the HTML template", () => {
  const columns: Column[] = [
    { name: "total", type: { name: "DOUBLE" } },
    { name: "who", type: { name: "STRING" } },
  ];
  const b = singleBundle(
    columns,
    [
      [1, "a"],
      [2.5, "<x>"],
    ],
    "<b>{0}</b> by {1} ({2})",
  );
  assert.equal(b["text/plain"], "2.5 by  ({2})", "text/plain drops the template's tags");
  assert.match(b["text/html"] as string, /<b>2\.5<\/b> by &lt;x&gt; \(\{2\}\)/);
  assert.equal(singleBundle(columns, [])["text/plain"], "");
});

test("an unbounded query's append view keeps its newest rows; single shows the last; append over an updating result fails before a job starts", async () => {
  const s = new SqlSession();
  await s.execute("CREATE TABLE n (x BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.x.min' = '1', 'fields.x.max' = '9')");
  const [append] = await s.execute("SELECT x FROM n", { view: { maxRows: 3 } });
  const [single] = await s.execute("SELECT COUNT(*) AS c, COUNT(x) FROM n", { view: { mode: "single", template: "{0} rows, {1} values" } });
  assert.ok(append?.kind === "job" && append.table && single?.kind === "job" && single.table);
  const view = append.table;
  while (!/older rows dropped/.test(view.bundle()["text/plain"] as string)) await new Promise((r) => setTimeout(r, 20));
  assert.equal(view.rows.length, 3);
  assert.match(view.bundle()["text/plain"] as string, /newest 3 of [\d,]+ rows \([\d,]+ older rows dropped; the view keeps 3\)$/);
  await append.job.cancel();
  const shown = single.table.bundle()["text/plain"] as string;
  const m = /^(\d+) rows, (\d+) values$/.exec(shown);
  assert.ok(m && Number(m[1]) > 0 && m[1] === m[2], `one whole row of the global aggregate: ${shown}`);
  await single.job.cancel();
  const before = s.jobs.length;
  await assert.rejects(s.execute("SELECT COUNT(*) FROM n", { view: { mode: "append" } }), (e: unknown) => e instanceof StreamSqlError && /append view needs an append-only result/.test(e.message));
  assert.equal(s.jobs.length, before, "no job started");
});
