/**
 * A SQL job on worker threads. Its expressions are compiled from the plan, so a worker rebuilds the
 * same job from the statement and the catalog's DDL, as the kernel's thread parsed them (plain data:
 * a worker never runs the tokenizer and parser, whose compilation would otherwise land on every
 * worker's CPU during a job): `declareSqlJob` runs in every worker, planning the statement as
 * `SqlSession.run` does and attaching a stand-in of the same shape for each sink (the sinks
 * themselves run on the main thread, see `runtime/workers/slots.ts`).
 */
import { ApiUsageError } from "../../errors/errors.js";
import type { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { ModuleExport } from "../../runtime/workers/protocol.js";
import { workerPlacement } from "../../runtime/workers/workerPlacement.js";
import type { RuntimeOptions } from "../../runtime/RuntimeOptions.js";
import { CollectSink } from "../../sinks/MemorySinks.js";
import type { Sink } from "../../sinks/Sink.js";
import { type Row, sinkFor } from "../connectors.js";
import type { ParsedStatement } from "../parser.js";
import { Planner } from "../planner.js";
import { configureMiniBatch } from "../minibatch/miniBatchOptions.js";
import { configureAggPhaseStrategy } from "../windows/aggPhaseStrategy.js";
import { configureSourceIdleTimeout } from "../scan/sourceIdleTimeout.js";
import { assignPlanUids } from "../restore/planUids.js";
import { SqlSession } from "../SqlSession.js";
import { ResultCollectSink } from "../resultCollect.js";
import type { LocalFunction } from "../functions/functionCatalog.js";
import { attachResultView, type ResultViewMode } from "../views/resultView.js";

/** What a worker needs to plan the statement again. */
export interface SqlJobArgs {
  /** The catalog's DDL, in the order declared, as parsed. */
  readonly ddl: readonly ParsedStatement[];
  /** The SELECT or INSERT, as parsed. */
  readonly statement: ParsedStatement;
  /** An unbounded SELECT: the mode of its live view (the view's sink has that shape). */
  readonly viewMode: ResultViewMode | undefined;
  /** The catalog's functions of the kernel's thread, as stand-ins for planning its DDL (functions/functionCatalog.ts). */
  readonly localFunctions?: readonly LocalFunction[];
  /** The session's SET options that change the plan (mini-batch); the worker plans with the same. */
  readonly options?: readonly [string, string][];
}

/** The SET key that runs a SQL job's subtasks on worker threads (`'true'`, the default, or `'false'`). */
export const WORKERS_OPTION = "sluice.parallel.workers";

/** The SET key of Flink's default parallelism; above 1 a SQL job's subtasks run on worker threads. */
export const PARALLELISM_OPTION = "parallelism.default";

/**
 * The SET key of how a SQL job's rows cross threads: `'columnar'` (the default: each edge whose
 * producer has a row type crosses as typed-array columns, `exchange/edgeCodec.ts`) or `'clone'`
 * (structured clone of every batch, for comparison).
 */
export const EXCHANGE_OPTION = "sluice.parallel.exchange";

const COLUMNAR: ModuleExport = { module: new URL("../../exchange/columnar/index.js", import.meta.url).href, name: "columnarCodec" };

/** How the worker threads load the codec of SQL jobs (`runtime/workers/protocol.ts`); undefined: structured clone. */
let codec: ModuleExport | undefined = COLUMNAR;
export function useBatchCodec(ref: ModuleExport | undefined): void {
  codec = ref;
}

/** The placement of a job that runs on worker threads, or undefined when it runs on one thread. */
export async function sqlWorkerPlacement(env: StreamEnvironment, options: ReadonlyMap<string, string>, args: SqlJobArgs): Promise<RuntimeOptions["placement"]> {
  if (env.parallelism <= 1 || !options.has(PARALLELISM_OPTION) || options.get(WORKERS_OPTION)?.toLowerCase() === "false") return undefined;
  const exchange = options.get(EXCHANGE_OPTION)?.toLowerCase() ?? "columnar";
  if (exchange !== "columnar" && exchange !== "clone") throw new ApiUsageError(`'${EXCHANGE_OPTION}' is 'columnar' or 'clone', not '${exchange}'`);
  return workerPlacement({
    recipe: { declare: { module: import.meta.url, name: "declareSqlJob" }, args, environment: { parallelism: env.parallelism } },
    ...(codec !== undefined && exchange === "columnar" ? { codec } : {}),
  });
}

/** Why a SQL job of parallelism above 1 runs on one thread, if a setting of the session keeps it there (`JobThreads.oneThreadReason`). */
export function sqlOneThreadReason(env: StreamEnvironment, options: ReadonlyMap<string, string>): string | undefined {
  return env.parallelism > 1 && options.get(WORKERS_OPTION)?.toLowerCase() === "false" ? `SET '${WORKERS_OPTION}' = 'false'` : undefined;
}

/** Runs in a worker: declares the job `SqlSession` declared for `args.statement` on the main thread. */
export async function declareSqlJob(env: StreamEnvironment, args: SqlJobArgs): Promise<void> {
  const session = new SqlSession();
  for (const f of args.localFunctions ?? []) session.catalog.functions.registerStandIn(f);
  await session.executeParsed(args.ddl);
  configureMiniBatch(env, new Map(args.options ?? []));
  configureAggPhaseStrategy(env, new Map(args.options ?? []));
  configureSourceIdleTimeout(env, new Map(args.options ?? []));
  const s = args.statement.statement;
  if (s.kind !== "query" && s.kind !== "insert") throw new Error(`not a query or INSERT: ${args.statement.text}`);
  const planned = new Planner(env, session.catalog).plan(s.query);
  const target = s.kind === "insert" ? session.catalog.get(s.table) : undefined;
  const sinkName = s.kind === "insert" ? `Sink: ${planned.changes ? s.table : (target?.name ?? s.table)}` : "Sink: collect";
  // A sink the main thread keeps gets a stand-in of the same shape here, its parallelism capped as the real one's (a
  // filesystem table committing partitions has one committer); one that may run here (a blackhole) is the real one.
  const real =
    target?.kind === "table" && !planned.changes
      ? sinkFor(
          target,
          target.columns.map((c) => c.type),
        )
      : undefined;
  // A SELECT's result is collected at parallelism 1 (resultCollect.ts).
  const sink: Sink<Row> = target?.kind === "table" && target.options.connector === "blackhole" && real ? real : standIn(s.kind === "query" ? 1 : real?.maxParallelism);
  if (s.kind === "query" && !planned.bounded) attachResultView(planned, { mode: args.viewMode ?? "append" }, s.at);
  else if (planned.changes) planned.changes.sinkTo(s.kind === "query" ? new ResultCollectSink() : new CollectSink()).name(sinkName);
  else planned.stream.sinkTo(sink).name(sinkName);
  assignPlanUids(env.graph);
}

/** A sink of the main thread's shape that never runs here (its subtasks are placed on the main thread). */
function standIn(maxParallelism: number | undefined): Sink<Row> {
  return { name: "collect", ...(maxParallelism !== undefined ? { maxParallelism } : {}), createWriter: () => new CollectSink<Row>().createWriter() };
}
