/**
 * Issue 3's measure: a keyed tumbling-window count over a generated stream at 1, 1e3 and 1e6 keys —
 * events/s and peak RSS. Each key count runs in its own child process so peak RSS is its own.
 * Run: npm run build && node dist/bench/engineWindow.bench.js [events=5000000] [parallelism=1]
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { StreamEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type Sink, type Source } from "../engine/src/index.js";
import { printTable } from "./table.js";

const EVENTS_PER_SECOND = 100_000; // of event time: a 10 s window holds 1M events
const WINDOW_MS = 10_000;
const BASE_TIME = 1_700_000_000_000;

interface Click {
  key: number;
  ts: number;
}

/**
 * A cheap generator, so the window operator rather than record synthesis is measured: record i has key
 * `(i · 2654435761) mod keys` (a scrambled walk over all keys) and time BASE_TIME + i / EVENTS_PER_SECOND.
 */
function clicks(count: number, keys: number): Source<Click> {
  return {
    name: "clicks",
    bounded: true,
    createReader: ({ subtask, parallelism }) => {
      let i = subtask;
      return {
        poll(max) {
          const values: Click[] = [];
          const timestamps: number[] = [];
          for (; values.length < max && i < count; i += parallelism) {
            const ts = BASE_TIME + Math.floor((i * 1000) / EVENTS_PER_SECOND);
            values.push({ key: (i * 2654435761) % keys, ts });
            timestamps.push(ts);
          }
          return { values, timestamps, end: i >= count };
        },
        snapshotPosition: () => i,
        restorePosition: (p) => void (i = p as number),
      };
    },
  };
}

interface Measurement {
  keys: number;
  events: number;
  seconds: number;
  windows: number;
  peakRssMB: number;
}

async function measure(keys: number, events: number, parallelism: number): Promise<Measurement> {
  let windows = 0;
  const sink: Sink<unknown> = { name: "count", createWriter: () => ({ write: (values) => void (windows += values.length) }) };
  const env = StreamEnvironment.create({ parallelism });
  env
    .fromSource(clicks(events, keys), WatermarkStrategy.forMonotonousTimestamps<Click>())
    .keyBy((c) => c.key)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .count()
    .sinkTo(sink);
  const start = performance.now();
  await env.execute(`window count, ${keys} keys`).wait();
  const seconds = (performance.now() - start) / 1000;
  return { keys, events, seconds, windows, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

const [first, second, third] = process.argv.slice(2);
if (first === "--child") {
  // Child mode: one measurement, printed as JSON for the parent.
  console.log(JSON.stringify(await measure(Number(second), Number(third), Number(process.argv[5] ?? 1))));
} else {
  const events = Number(first ?? 5_000_000);
  const parallelism = Number(second ?? 1);
  const rows: (string | number)[][] = [];
  for (const keys of [1, 1_000, 1_000_000]) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", String(keys), String(events), String(parallelism)], { encoding: "utf8" });
    const m = JSON.parse(out.trim().split("\n").pop()!) as Measurement;
    rows.push([keys.toLocaleString("en-US"), m.events / m.seconds, m.windows, m.peakRssMB]);
  }
  printTable(
    `Keyed tumbling-window count (${WINDOW_MS / 1000} s windows, ${EVENTS_PER_SECOND.toLocaleString("en-US")} events/s of event time), ${events.toLocaleString("en-US")} events, parallelism ${parallelism}`,
    ["keys", "events/s", "windows fired", "peak RSS MB"],
    rows,
  );
}
