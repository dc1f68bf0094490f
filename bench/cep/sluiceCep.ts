/**
 * The CEP bench on Sluice, timed as FlinkCepBench.java times it (bench/marginal.ts, as the Nexmark runs): in one
 * process `warmupJobs` warm-up jobs sharing `warmup` events (untimed), then a job of `small` events and
 * one of `events` events; the rate is the marginal one, (events - small) / (t(events) - t(small)), in wall
 * time and in process CPU time.
 * Then the state size: a job reads `events` events and pauses (the source stays open), and once the
 * matcher has taken every event and the watermark is at the last one, it is stopped with a savepoint,
 * whose bytes are reported. Prints one JSON line.
 * Usage: node dist/bench/cep/sluiceCep.js <keys> <events> <warmup> <small> [state: 1|0] [warmupJobs=4]
 * (SLUICE_BATCH_SIZE: the environment's batch size, default 1024, as in bench/nexmark.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CEP, Pattern, type Sink, type Source, StreamEnvironment, Time, WatermarkStrategy } from "../../engine/src/index.js";
import { measureMarginal } from "../marginal.js";
import { type CepEvent, cepEvent, fingerprint, MOD, WITHIN_MS } from "./events.js";

const [k = "1000", n = "1000000", w = "300000", s = "200000", st = "1", wj = "4"] = process.argv.slice(2);
const keys = Number(k);
const batchSize = Number(process.env.SLUICE_BATCH_SIZE ?? 1024);

/** The bench's events; with `pause`, the source stays open (empty polls) after the last one. */
function source(count: number, pause: boolean): Source<CepEvent> {
  return {
    name: "cep-events",
    bounded: !pause,
    createReader: () => {
      let next = 0;
      return {
        poll(max) {
          if (next >= count) return pause ? { values: [], retryAt: Date.now() + 20 } : { values: [], end: true };
          const size = Math.min(max, count - next);
          const values = new Array<CepEvent>(size);
          const timestamps = new Array<number>(size);
          for (let i = 0; i < size; i++) {
            const e = cepEvent(next++, keys);
            values[i] = e;
            timestamps[i] = e.ts;
          }
          return { values, timestamps, end: !pause && next >= count };
        },
        snapshotPosition: () => next,
        restorePosition: (p) => {
          next = p as number;
        },
      };
    },
  };
}

let outputs = 0;
let checksum = 0;
const blackhole: Sink<number> = {
  name: "blackhole",
  createWriter: () => ({
    write(values) {
      outputs += values.length;
      for (let i = 0; i < values.length; i++) checksum = (checksum + values[i]!) % MOD;
    },
  }),
};

/** Three steps, each relaxed (`followedBy`), within 10 s of event time: a, then b, then c, per key. */
function build(env: StreamEnvironment, src: Source<CepEvent>): void {
  const events = env.fromSource(src, WatermarkStrategy.forMonotonousTimestamps<CepEvent>(), "cep-events");
  const pattern = Pattern.begin<CepEvent>("a")
    .where((e) => e.type === 0)
    .followedBy("b")
    .where((e) => e.type === 1)
    .followedBy("c")
    .where((e) => e.type === 2)
    .within(Time.milliseconds(WITHIN_MS));
  CEP.pattern(
    events.keyBy((e) => e.key),
    pattern,
  )
    .process<number>((m, _ctx, out) => {
      const a = m.get("a")![0]!;
      out.collect(fingerprint(a.key, a.ts, m.get("c")![0]!.ts));
    })
    .sinkTo(blackhole);
}

async function job(count: number): Promise<void> {
  outputs = 0;
  checksum = 0;
  const env = StreamEnvironment.create({ batchSize });
  build(env, source(count, false));
  await env.execute("cep bench").wait();
}

/** Bytes of a savepoint taken once `count` events are in the matcher, the source still open. */
async function stateBytes(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-cep-bench-"));
  try {
    const env = StreamEnvironment.create({ batchSize });
    env.enableCheckpointing({ directory: dir });
    build(env, source(count, true));
    const handle = env.execute("cep bench state");
    const last = cepEvent(count - 1, keys).ts;
    for (;;) {
      const cep = handle.metrics().operators.find((o) => o.name.includes("cep"));
      if (cep === undefined) throw new Error(`no cep operator in ${handle.metrics().operators.map((o) => o.name)}`);
      if (cep.recordsIn === count && cep.watermark >= last - 1 && cep.backlog === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const { savepoint } = await handle.stop({ savepoint: "state" });
    if (savepoint?.bytes === undefined) throw new Error("the savepoint reported no size");
    return savepoint.bytes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [events, warmup, small] = [Number(n), Number(w), Number(s)];
const { seconds, cpuSeconds, eventsPerSecond, eventsPerCpuSecond, warmupJobs, warmupCpuNsPerEvent, smallCpuNsPerEvent } = await measureMarginal(job, {
  warmup,
  small,
  events,
  warmupJobs: Number(wj),
});
const [matches, sum] = [outputs, checksum];
const checkpointBytes = st === "1" ? await stateBytes(events) : null;
console.log(
  JSON.stringify({
    engine: "sluice",
    keys,
    batchSize,
    events,
    small,
    warmup,
    warmupJobs,
    warmupCpuNsPerEvent,
    smallCpuNsPerEvent,
    seconds,
    cpuSeconds,
    eventsPerSecond,
    eventsPerCpuSecond,
    matches,
    checksum: sum,
    checkpointBytes,
    peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  }),
);
