/**
 * TypeScript jobs on worker threads, the Flink way: a closure written in a notebook cell cannot move
 * to another thread, but a job declared by a function a module exports can: the main thread and every
 * worker import the module and call it on a fresh environment, so each has the same plan (node ids and
 * uids follow declaration order). What the function returns (its sinks, say) is the main thread's.
 */
import { type EnvironmentOptions, StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { JobHandle } from "../JobHandle.js";
import type { ModuleExport } from "./protocol.js";
import { withModuleFrames } from "./moduleStack.js";
import { loadExport, workerPlacement } from "./workerPlacement.js";

export interface ModuleJobOptions {
  /** The environment both sides declare on; above parallelism 1 the subtasks run on workers. */
  readonly environment?: Pick<EnvironmentOptions, "parallelism" | "maxParallelism" | "batchSize" | "errorPolicy">;
  /** Plain data handed to the declaring function on every thread. */
  readonly args?: unknown;
  /** The codec records cross threads in: default the columnar one, each edge with the record type its records show (`exchange/inferredType.ts`; records of no one shape cross by clone). */
  readonly codec?: ModuleExport;
  /** Checkpoints and savepoints go here (`env.enableCheckpointing`); `restoreFrom` as `env.execute`'s. */
  readonly checkpoints?: string;
  readonly restoreFrom?: string;
}

/** `declare(env, args)` exported as `name` by `module` (a file URL of compiled JS, e.g. `new URL("./job.js", import.meta.url)`). */
const COLUMNAR: ModuleExport = { module: new URL("../../exchange/columnar/index.js", import.meta.url).href, name: "columnarCodec" };

export async function executeModuleJob<R>(module: string | URL, name: string, jobName: string, options: ModuleJobOptions = {}): Promise<{ job: JobHandle; declared: R }> {
  const declare: ModuleExport = { module: String(module), name };
  const environment = options.environment ?? {};
  const env = StreamEnvironment.create(environment);
  if (options.checkpoints !== undefined) env.enableCheckpointing({ directory: options.checkpoints });
  let declared: R;
  try {
    declared = await (await loadExport<(env: StreamEnvironment, args: unknown) => R | Promise<R>>(declare))(env, options.args);
  } catch (error) {
    throw withModuleFrames(error);
  }
  const placement = env.parallelism > 1 ? await workerPlacement({ recipe: { declare, args: options.args, environment }, codec: options.codec ?? COLUMNAR }) : undefined;
  const restore = options.restoreFrom !== undefined ? { restoreFrom: options.restoreFrom } : {};
  return { job: env.execute(jobName, { ...restore, ...(placement !== undefined ? { placement } : {}) }), declared };
}
