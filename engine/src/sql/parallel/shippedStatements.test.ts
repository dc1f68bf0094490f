/**
 * A worker thread declares a SQL job from the statements as the kernel's thread parsed them, not from
 * their text (sqlJobRecipe.ts): it never tokenizes or parses, so at parallelism 2 that code is compiled
 * by one isolate, not three (bench/nexmark/RESULTS.md, "Session 16: sqlq2p2"). What that relies on:
 * planning leaves a parsed statement as it was (the kernel plans before the worker gets its copy), a
 * parsed statement survives a structured clone unchanged, and each job gets its own catalog and options.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import { buildPlan } from "../../graph/JobPlan.js";
import { workerStats } from "../../runtime/workers/workerPlacement.js";
import { planSignature } from "../../runtime/workers/slots.js";
import type { Row } from "../connectors.js";
import { type ParsedStatement, parseScript } from "../parser.js";
import { Planner } from "../planner.js";
import { SqlSession } from "../SqlSession.js";
import { NEXMARK_SQL_DIR, nexmarkDdl } from "../testing/nexmarkSql.js";
import { declareSqlJob, type SqlJobArgs } from "./sqlJobRecipe.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-sql-shipped-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Frozen all the way down: planning it throws if it writes to it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const table = (path: string, extra = "") => `CREATE TABLE ev (id INT, k STRING, v INT${extra}) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv');`;

function plannedSignature(args: SqlJobArgs): Promise<string> {
  const env = StreamEnvironment.create({ parallelism: 2 });
  return declareSqlJob(env, args).then(() => JSON.stringify(planSignature(buildPlan("job", env.graph, env.graph.takePendingSinks(), { parallelism: 2, errorPolicy: "fail" }))));
}

test("a worker declares the job from the kernel's parse: no SQL text is read, and the parse is left as it was", async () => {
  const path = csv("plan.csv", ["1,a,10", "2,b,20"]);
  const session = new SqlSession();
  await session.execute(`${table(path, ", w AS v * 2")}\nCREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';\nCREATE VIEW big AS SELECT k, w FROM ev WHERE v > 5;`);
  const text = "SELECT k, SUM(w) AS s, MAX(count_char(k, 'a')) AS c FROM big GROUP BY k";
  const [statement] = parseScript(text);
  const kernel = session.catalog.statementsInOrder();
  assert.deepEqual(
    kernel.map((s) => s.statement.kind),
    ["createFunction", "createTable", "createView"],
  );
  // Blank texts: a worker that parsed them would plan nothing; frozen: one that wrote to them would throw.
  const shipped: SqlJobArgs = {
    ddl: kernel.map((s) => ({ statement: deepFreeze(structuredClone(s.statement)), text: "" })),
    statement: { statement: deepFreeze(structuredClone(statement!.statement)), text: "" },
    viewMode: undefined,
  };
  const fromText: SqlJobArgs = {
    ddl: kernel.flatMap((s) => parseScript(s.text)),
    statement: parseScript(text)[0] as ParsedStatement,
    viewMode: undefined,
  };
  assert.equal(await plannedSignature(shipped), await plannedSignature(fromText));
});

test("every Nexmark query's parse survives a structured clone unchanged, and planning it does not write to it", async () => {
  const ddl = nexmarkDdl(1000);
  let planned = 0;
  for (let q = 0; q <= 22; q++) {
    const session = new SqlSession();
    for (const parsed of parseScript(`${ddl}\n${readFileSync(join(NEXMARK_SQL_DIR, `q${q}.sql`), "utf8").replace(/\$\{FLINK_HOME\}/g, dir)}`)) {
      // A prototype other than Object's or Array's (a class instance) would come out of the clone without it.
      assert.deepStrictEqual(structuredClone(parsed), parsed, `q${q}: ${parsed.text.slice(0, 60)}`);
      const s = deepFreeze(parsed).statement;
      if (s.kind === "query" || s.kind === "insert") {
        try {
          new Planner(StreamEnvironment.create(), session.catalog).plan(s.query);
          planned++;
        } catch (e) {
          // q6 is rejected as Flink rejects it; a write to the frozen parse would be a TypeError.
          assert.ok(!(e instanceof TypeError), `q${q}: ${(e as Error).message}`);
        }
      } else await session.executeParsed([parsed]);
    }
  }
  assert.ok(planned >= 21, `${planned} queries planned`);
});

test("the same statement text at parallelism 2 after the table, then an option, changed: each job plans what its session has", async () => {
  const first = csv("first.csv", ["1,a,10", "2,b,20", "3,a,30"]);
  const second = csv("second.csv", ["1,a,1", "2,c,2", "3,c,3", "4,c,4"]);
  const query = "SELECT k, COUNT(*) AS c, SUM(x) AS s FROM ev GROUP BY k";
  const session = new SqlSession();
  const run = async (script: string): Promise<string[]> => {
    const before = workerStats().jobs;
    const results = await session.execute(`${script}\n${query}`);
    const last = results.at(-1);
    assert.equal(last?.kind, "table");
    assert.equal(workerStats().jobs, before + 1, "ran on worker threads");
    return (last.rows as Row[]).map((r) => JSON.stringify(r)).sort();
  };
  assert.deepEqual(await run(`SET 'parallelism.default' = '2';\n${table(first, ", x AS v")}`), ['["a",2,40]', '["b",1,20]']);
  // Same name and query text, another file and another computed column.
  assert.deepEqual(await run(`DROP TABLE ev;\n${table(second, ", x AS v * 10")}`), ['["a",1,10]', '["c",3,90]']);
  // Mini-batch changes the plan's operators: the worker must plan with it (else the plans differ and the job fails).
  assert.deepEqual(await run("SET 'table.exec.mini-batch.enabled' = 'true'; SET 'table.exec.mini-batch.allow-latency' = '1s'; SET 'table.exec.mini-batch.size' = '100';"), [
    '["a",1,10]',
    '["c",3,90]',
  ]);
});
