/**
 * The DataStream Nexmark queries (queries/) as a job module (see `engine/src/runtime/workers/moduleJob.ts`):
 * the main thread and every worker thread import this file and call `declareNexmark` on a fresh
 * environment, so at parallelism 2 the subtasks run on worker threads, as a module-defined TypeScript job
 * in a notebook does (`executeModule("./x.ts", …)`). Timed runs end in a blackhole that runs on any thread
 * (as Flink's and Sluice SQL's do: no record crosses to the main thread to be dropped there); check runs
 * end in a sink on the main thread that counts outputs and sums the query's fingerprint, which
 * sluiceModuleRun.ts compares with the one-thread DataStream run's.
 */
import { WatermarkStrategy, type Sink, type StreamEnvironment } from "../../engine/src/index.js";
import { Nexmark, type NexmarkEvent } from "../../engine/src/connectors/nexmark/index.js";
import { runsOnAnyThread } from "../../engine/src/runtime/workers/slots.js";
import { WATERMARK_DELAY_MS } from "./queries/common.js";
import { QUERIES } from "./queries/index.js";

export interface NexmarkJobArgs {
  readonly query: string;
  readonly count: number;
  readonly eventsPerSecond: number;
  /** true: the sink runs on the main thread and counts (a check run); false: a blackhole on the workers. */
  readonly check: boolean;
  /** The generator's seed (default Nexmark's). */
  readonly seed?: number;
  /** With `check`: also keep the output records on the main thread (nexmark.test.ts compares them with DuckDB's). */
  readonly collect?: boolean;
}

/** Fingerprints are summed modulo 2^50 (as sluiceRun.ts and the Java twin) so the sum stays exact in a double. */
const MOD = 2 ** 50;

export interface NexmarkJobResult {
  outputs: number;
  checksum: number;
  rows: unknown[];
}

export function declareNexmark(env: StreamEnvironment, args: NexmarkJobArgs): NexmarkJobResult {
  const spec = QUERIES[args.query];
  if (spec === undefined) throw new Error(`unknown query ${args.query}; one of ${Object.keys(QUERIES).join(", ")}`);
  const result: NexmarkJobResult = { outputs: 0, checksum: 0, rows: [] };
  const sink: Sink<unknown> = {
    name: "blackhole",
    createWriter: () => ({
      write(values) {
        // The same per-record work as sluiceRun.ts's blackhole, on whichever thread the sink runs.
        result.outputs += values.length;
        if (args.collect) for (const v of values) result.rows.push(v);
        let sum = result.checksum;
        for (let i = 0; i < values.length; i++) {
          sum += spec.check(values[i]);
          if (sum >= MOD || sum <= -MOD) sum %= MOD;
        }
        result.checksum = sum;
      },
    }),
  };
  const events = env.fromSource(
    Nexmark.source({ count: args.count, eventsPerSecond: args.eventsPerSecond, ...(args.seed !== undefined ? { seed: args.seed } : {}) }),
    WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(WATERMARK_DELAY_MS),
    "nexmark",
  );
  spec.build(events).sinkTo(args.check ? sink : runsOnAnyThread(sink));
  return result;
}
