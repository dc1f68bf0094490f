import { resolve } from "node:path";
import type { StreamEnvironment, ExecuteOptions } from "../../api/StreamEnvironment.js";
import { RestartStrategies } from "../../runtime/restart/RestartStrategies.js";
import type { Statement } from "../ast.js";
import { StreamSqlError, type SqlPosition } from "../errors.js";
import { flinkDuration } from "../flinkDuration.js";
import { configureMiniBatch, MINI_BATCH_LATENCY } from "../minibatch/miniBatchOptions.js";
import { configureAggPhaseStrategy } from "../windows/aggPhaseStrategy.js";
import { configureSourceIdleTimeout, SOURCE_IDLE_TIMEOUT } from "../scan/sourceIdleTimeout.js";
import { assignPlanUids } from "./planUids.js";
import { checkRestore, loadSavepoint } from "./sqlRestore.js";

type SetStatement = Extract<Statement, { kind: "set" | "reset" }>;

/** Flink's option keys that change how Sluice runs a SQL job; any other key is kept (Flink accepts them too) and listed by `SET;`. */
const SAVEPOINT_PATH = "execution.savepoint.path";
const IGNORE_UNCLAIMED = "execution.savepoint.ignore-unclaimed-state";
const INTERVAL = "execution.checkpointing.interval";
const PARALLELISM = "parallelism.default";
const DIRECTORIES = ["state.savepoints.dir", "state.checkpoints.dir"];

/**
 * The session's `SET` options and how a SQL job is checkpointed and restored: checkpoints and
 * savepoints in one directory (`state.savepoints.dir`, default the session's), operators with
 * plan-derived uids, and a savepoint (`%%ssql --restore NAME`, or `SET 'execution.savepoint.path'`,
 * which as in Flink applies to every later job until `RESET`) checked against the plan before the job starts.
 */
export class SqlJobSettings {
  readonly options = new Map<string, string>();

  constructor(private readonly defaultDirectory: string | undefined) {}

  /** Applies a SET or RESET; `SET;` returns the options as rows. */
  apply(s: SetStatement): [string, string][] | undefined {
    if (s.kind === "reset") {
      if (s.key === undefined) this.options.clear();
      else this.options.delete(s.key);
      return undefined;
    }
    if (s.key === undefined) return [...this.options].sort(([a], [b]) => a.localeCompare(b));
    if (s.key === INTERVAL || s.key === MINI_BATCH_LATENCY || s.key === SOURCE_IDLE_TIMEOUT) flinkDuration(s.value as string, s.at, s.key);
    if (s.key === PARALLELISM && !/^[1-9]\d*$/.test((s.value as string).trim()))
      throw new StreamSqlError("validation", `Could not parse value '${s.value}' for key '${PARALLELISM}' (a positive integer)`, s.at, s.value as string);
    this.options.set(s.key, s.value as string);
    return undefined;
  }

  /** Where this session's checkpoints and savepoints are. */
  get directory(): string | undefined {
    const set = DIRECTORIES.map((k) => this.options.get(k)).find((v) => v !== undefined);
    return set !== undefined ? resolve(set.replace(/^file:\/\//, "")) : this.defaultDirectory;
  }

  /** Turns on checkpointing (on demand, or every `execution.checkpointing.interval`); a failed SQL job still fails rather than restarts. */
  configure(env: StreamEnvironment): void {
    configureMiniBatch(env, this.options);
    configureAggPhaseStrategy(env, this.options);
    configureSourceIdleTimeout(env, this.options);
    const parallelism = this.options.get(PARALLELISM);
    if (parallelism !== undefined) env.setParallelism(Number(parallelism));
    const directory = this.directory;
    if (directory === undefined) return;
    const every = this.options.get(INTERVAL);
    env.enableCheckpointing({ directory, ...(every !== undefined ? { interval: flinkDuration(every, undefined, INTERVAL) } : {}) }).setRestartStrategy(RestartStrategies.noRestart());
  }

  /**
   * Gives the job's operators their plan-derived uids and, when it is to restore (`restoreFrom`, else
   * `execution.savepoint.path`), checks the savepoint fits the plan: the options for `env.execute`.
   */
  async prepare(env: StreamEnvironment, at: SqlPosition, restoreFrom: string | undefined): Promise<ExecuteOptions> {
    assignPlanUids(env.graph);
    const savepoint = (restoreFrom ?? this.options.get(SAVEPOINT_PATH))?.replace(/^file:\/\//, "");
    if (savepoint === undefined) return {};
    const directory = this.directory;
    if (directory === undefined) throw new StreamSqlError("validation", `Cannot restore from savepoint '${savepoint}': no savepoint directory (SET 'state.savepoints.dir')`, at, savepoint);
    const data = await loadSavepoint(directory, savepoint, at);
    const ignoreUnclaimed = this.options.get(IGNORE_UNCLAIMED)?.toLowerCase() === "true";
    checkRestore(data, savepoint, env.graph, at, ignoreUnclaimed);
    return { restoreFrom: savepoint, ...(ignoreUnclaimed ? { allowNonRestoredState: true } : {}) };
  }
}
