/**
 * One bench/flink-cluster query on the embedded engine (Sluice's SQL, parallelism 1, one thread), in
 * its own process: a warm-up job, then jobs of `small` and `events` rows; the rate is the marginal
 * one, (events − small) / (t(events) − t(small)), as bench/nexmark times. Prints one JSON line.
 * Usage: node dist/bench/flink-cluster/embeddedRun.js <q1|q5> <events> <small> <warmup>
 */
import { StreamEnvironment } from "../../engine/src/index.js";
import { SqlSession } from "../../engine/src/sql/index.js";
import { ddl, QUERIES, type QueryName } from "./queries.js";

const [query = "q1", n = "2000000", s = "500000", w = "500000"] = process.argv.slice(2);
const sql = QUERIES[query as QueryName];
if (sql === undefined) throw new Error(`unknown query ${query}: ${Object.keys(QUERIES).join(", ")}`);

async function job(rows: number): Promise<number> {
  const session = new SqlSession({ createEnvironment: () => StreamEnvironment.create({ parallelism: 1 }) });
  await session.execute(`${ddl(rows).join(";\n")};`);
  const t0 = performance.now();
  await session.execute(sql); // a bounded INSERT returns when its job finished
  return (performance.now() - t0) / 1000;
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
await job(Number(w));
const c0 = cpu();
const tSmall = await job(Number(s));
const c1 = cpu();
const tBig = await job(Number(n));
const c2 = cpu();
const events = Number(n) - Number(s);
console.log(
  JSON.stringify({
    engine: "embedded",
    query,
    eventsPerSecond: Math.round(events / (tBig - tSmall)),
    eventsPerCpuSecond: Math.round(events / (c2 - c1 - (c1 - c0))),
    rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
