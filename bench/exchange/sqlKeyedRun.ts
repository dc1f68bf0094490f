/**
 * A SQL job whose every row crosses a keyed exchange: a datagen table TUMBLE-counted per key into a
 * blackhole. At parallelism above 1 its subtasks run on worker threads and the rows cross between them
 * in `exchange` ('columnar' or 'clone', `SET 'sluice.parallel.exchange'`). A warm-up job, then jobs of
 * `small` and `rows` rows in the same process; the rate is the marginal one, for wall and process CPU
 * time (all threads). Prints one JSON line.
 * Usage: node --expose-gc dist/bench/exchange/sqlKeyedRun.js <parallelism> <columnar|clone> <rows> <small> <warmup>
 */
import { loadavg } from "node:os";
import { SqlSession } from "../../engine/src/sql/index.js";

const [p = "1", exchange = "columnar", n = "4000000", s = "1000000", w = "500000"] = process.argv.slice(2);

async function job(rows: number): Promise<void> {
  const parallel = p === "1" ? "" : `SET 'parallelism.default' = '${p}';\nSET 'sluice.parallel.exchange' = '${exchange}';\n`;
  await new SqlSession().execute(`${parallel}
    CREATE TABLE gen (k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '50000000', 'fields.k.min' = '0', 'fields.k.max' = '999');
    CREATE TABLE out (window_start TIMESTAMP(3), k INT, c BIGINT, s INT) WITH ('connector' = 'blackhole');
    INSERT INTO out SELECT window_start, k, COUNT(*) AS c, SUM(v) AS s FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k;`);
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const load = loadavg()[0]!;
await job(Number(w));
const w0 = performance.now(),
  c0 = cpu();
await job(Number(s));
const w1 = performance.now(),
  c1 = cpu();
await job(Number(n));
const w2 = performance.now(),
  c2 = cpu();
const rows = Number(n) - Number(s);
const [wall, cpuSeconds] = [(w2 - w1 - (w1 - w0)) / 1000, c2 - c1 - (c1 - c0)];
console.log(
  JSON.stringify({
    parallelism: Number(p),
    exchange: p === "1" ? "none" : exchange,
    rows,
    seconds: wall,
    cpuSeconds,
    rowsPerSecond: Math.round(rows / wall),
    rowsPerCpuSecond: Math.round(rows / cpuSeconds),
    loadBefore: load,
    loadAfter: loadavg()[0],
  }),
);
