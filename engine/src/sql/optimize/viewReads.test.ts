/**
 * Sub-plan reuse (planner.ts `view`, viewReads.ts): a view read twice in one statement is planned
 * once, its Calc's rows fanned out to both readers, as Flink's planner reuses a common sub-plan
 * (nexmark q7 reads `bid` for the join and for the TUMBLE MAX). The rows stay those of the same
 * query with one read spelled as a subquery, which is planned on its own (a second Calc).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { StreamNode } from "../../graph/StreamGraph.js";
import { SqlSession } from "../SqlSession.js";
import { nexmarkDdl, nexmarkSelect } from "../testing/nexmarkSql.js";

const BID = "(SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, `dateTime`, bid.extra FROM datagen WHERE event_type = 2)";

/** The Calcs that read the scan straight (its lines of EXPLAIN). */
async function calcsOverScan(query: string): Promise<string[]> {
  const [explained] = await new SqlSession().execute(`${nexmarkDdl(10)}EXPLAIN ${query}`).then((r) => r.slice(-1));
  const lines = (explained as { text: string }).text.split("\n");
  const scan = /^\[(\d+)\] datagen\[nexmark\]/.exec(lines.find((l) => /datagen\[nexmark\]/.test(l)) ?? "")?.[1];
  assert.ok(scan, "the scan is in the plan");
  return lines.filter((l) => /^\[\d+\] Calc/.test(l) && l.endsWith(`<- [${scan}]`));
}

async function rows(sql: string): Promise<string[]> {
  const results = await new SqlSession().execute(sql);
  const last = results[results.length - 1] as { kind: string; rows: unknown[][] };
  assert.equal(last.kind, "table");
  return last.rows.map((r) => JSON.stringify(r.map((v) => (v instanceof Date ? v.getTime() : v)))).sort();
}

test("nexmark q7: the view `bid`, read by the join and by the TUMBLE MAX, is one Calc over the scan; the rows are those of two Calcs", async () => {
  assert.equal((await calcsOverScan(nexmarkSelect("q7"))).length, 1);
  const unshared = nexmarkSelect("q7").replace(/from bid B\b/, `FROM ${BID} B`);
  assert.notEqual(unshared, nexmarkSelect("q7"));
  assert.equal((await calcsOverScan(unshared)).length, 2, "a subquery is planned on its own");
  const ddl = nexmarkDdl(40_000, 200);
  const shared = await rows(`${ddl}${nexmarkSelect("q7")}`);
  assert.ok(shared.length > 10, "some bids are their window's highest");
  assert.deepEqual(shared, await rows(`${ddl}${unshared}`));
});

test("a self-join of a view reads one Calc on both sides, with the rows of two", async () => {
  const join = (right: string) => `SELECT a.auction, a.price, b.price AS other FROM bid a JOIN ${right} b ON a.auction = b.auction AND a.bidder = b.bidder`;
  assert.equal((await calcsOverScan(join("bid"))).length, 1);
  const n = 20_000;
  const shared = await rows(`${nexmarkDdl(n)}${join("bid")}`);
  assert.ok(shared.length > 100, "bids meet other bids of their bidder on their auction");
  assert.deepEqual(shared, await rows(`${nexmarkDdl(n)}${join(BID)}`));
});

test("a statement set's INSERTs reading one view share its Calc: a join side's projection does not fuse a second one over the scan", async () => {
  let env: StreamEnvironment | undefined;
  const session = new SqlSession({
    createEnvironment: () => {
      env = StreamEnvironment.create();
      return env;
    },
  });
  const sinks = "CREATE TABLE s1 (auction BIGINT, seller BIGINT) WITH ('connector' = 'blackhole'); CREATE TABLE s2 (ws TIMESTAMP(3), m BIGINT) WITH ('connector' = 'blackhole');";
  await session.execute(`${nexmarkDdl(2000)}${sinks}
EXECUTE STATEMENT SET BEGIN
  INSERT INTO s1 SELECT B.auction, A.seller FROM bid B JOIN auction A ON B.auction = A.id;
  INSERT INTO s2 SELECT window_start, MAX(price) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;
END;`);
  assert.ok(env);
  const graph = env.graph;
  // The nodes the sinks read (a Calc superseded by a fused one may linger in the graph until collected).
  const reached = new Map<number, StreamNode>();
  const visit = (node: StreamNode): void => {
    if (reached.has(node.id)) return;
    reached.set(node.id, node);
    for (const e of node.inputs) visit(graph.get(e.from));
  };
  for (const sink of graph.all().filter((n) => n.kind === "sink")) visit(sink);
  const scan = [...reached.values()].find((n) => n.name === "datagen[nexmark]");
  assert.ok(scan);
  const calcs = [...reached.values()].filter((n) => n.name === "Calc" && n.inputs.some((e) => e.from === scan.id));
  assert.equal(calcs.length, 2, "one Calc for bid (both INSERTs), one for auction");
});
