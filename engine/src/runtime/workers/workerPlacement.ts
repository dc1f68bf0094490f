import { MessageChannel, type MessagePort } from "node:worker_threads";
import type { BatchCodec } from "../../exchange/BatchCodec.js";
import type { JobPlan, PlanEdge, PlanNode } from "../../graph/JobPlan.js";
import type { TaskPlacement } from "../buildTasks.js";
import type { PlacementOptions, RuntimeOptions } from "../RuntimeOptions.js";
import type { DeadLetterLog } from "../SubtaskContext.js";
import type { TaskListener } from "../Task.js";
import { type CallMessage, type FromWorker, fromWire, type JobRecipe, type ModuleExport, type TaskOp, type ToWorker } from "./protocol.js";
import { DataPorts, edgeCodecKind, edgeName } from "./RemoteChannels.js";
import { edgeRowType } from "../../exchange/edgeCodec.js";
import { RemoteTask, type WorkerLink } from "./RemoteTask.js";
import { type JobEndpoint, newPoolJob, type PooledWorker, poolWorkers } from "./WorkerPool.js";
import { workerStats as poolStats } from "./WorkerPool.js";
import { channelKey, locationOf, MAIN, planSignature, taskKey } from "./slots.js";
import { workerThreadCount } from "./threadCount.js";

export interface WorkerJobOptions {
  /** How each worker declares the same job (see `JobRecipe`). */
  readonly recipe: JobRecipe;
  /** Threads to spread subtasks over; default the job's highest parallelism, at most the machine's cores. */
  readonly workers?: number;
  /** The codec of edges whose producer has a row type (`exchange/edgeCodec.ts`); default `cloneCodec` (structured clone: correct, slow). */
  readonly codec?: ModuleExport;
}

/** The edges of the last job placed on workers that cross threads, and how each crosses (see `exchange/edgeCodec.ts`). */
let lastEdges: { readonly edge: string; readonly codec: "columnar" | "inferred" | "clone"; readonly columns?: readonly string[] }[] = [];

export function workerStats(): { threads: number; jobs: number; edges: typeof lastEdges } {
  return { ...poolStats(), edges: lastEdges };
}

/** Whether some channel of `edge` joins subtasks on two threads (a forward edge joins subtask i to i). */
function crossesThreads(edge: PlanEdge, workers: number): boolean {
  for (let from = 0; from < edge.from.parallelism; from++) {
    for (let to = 0; to < edge.to.parallelism; to++) {
      if (edge.partitioning.kind === "forward" && from !== to) continue;
      if (locationOf(edge.from, from, workers) !== locationOf(edge.to, to, workers)) return true;
    }
  }
  return false;
}

const CLONE_CODEC: ModuleExport = { module: new URL("../../exchange/BatchCodec.js", import.meta.url).href, name: "cloneCodec" };

export async function loadExport<T>(ref: ModuleExport): Promise<T> {
  const module = (await import(ref.module)) as Record<string, unknown>;
  const value = module[ref.name];
  if (value === undefined) throw new Error(`${ref.module} exports no '${ref.name}'`);
  return value as T;
}

/**
 * Runs a job's subtasks on worker threads (the `placement` of `env.execute`): each attempt starts
 * its own workers, which plan the job again from `recipe` and run the subtasks `slots.ts` puts on
 * them; the main thread keeps the sinks and a `RemoteTask` for every other subtask, so the runner,
 * checkpoints, stops and metrics work as on one thread. The workers end when the job's tasks close.
 */
export async function workerPlacement(options: WorkerJobOptions): Promise<NonNullable<RuntimeOptions["placement"]>> {
  const codecRef = options.codec ?? CLONE_CODEC;
  const codec = await loadExport<BatchCodec>(codecRef);
  return (plan, placementOptions, notify) => new WorkerGroup(plan, placementOptions, notify, options, codec, codecRef).placement;
}

/** The workers of one attempt, and the main thread's ends of their channels. */
class WorkerGroup {
  readonly placement: TaskPlacement;
  private readonly links: WorkerConnection[] = [];
  private readonly data: DataPorts;
  private readonly count: number;

  constructor(plan: JobPlan, options: PlacementOptions, notify: () => void, job: WorkerJobOptions, codec: BatchCodec, codecRef: ModuleExport) {
    const workers = workerThreadCount(plan, job.workers);
    this.count = workers;
    // A data port between every two threads (the main thread is location 0).
    const ports: Map<number, MessagePort>[] = Array.from({ length: workers + 1 }, () => new Map());
    for (let a = 0; a <= workers; a++) {
      for (let b = a + 1; b <= workers; b++) {
        const { port1, port2 } = new MessageChannel();
        ports[a]!.set(b, port1);
        ports[b]!.set(a, port2);
      }
    }
    lastEdges = plan.nodes.flatMap((n) =>
      n.outputs
        .filter((e) => crossesThreads(e, workers))
        .map((e) => {
          // What a row-typed edge carries (a SQL plan's columns; in brackets those sent as NULL: the consumer reads none).
          const columns = e.tag === undefined ? edgeRowType(e.from.node, e.to.node)?.fields.map((f) => (f.unread ? `(${f.name})` : f.name)) : undefined;
          return { edge: edgeName(e), codec: edgeCodecKind(e, codec), ...(columns !== undefined ? { columns } : {}) };
        }),
    );
    this.data = new DataPorts(ports[MAIN]!, codec, notify, (error) => this.fail(error));
    const signature = planSignature(plan);
    const threads = poolWorkers(workers);
    const jobNumber = newPoolJob();
    for (let location = 1; location <= workers; location++) {
      const own = ports[location]!;
      const init: ToWorker = {
        type: "init",
        job: jobNumber,
        jobName: plan.jobName,
        location,
        workers,
        recipe: job.recipe,
        codec: codecRef,
        plan: signature,
        options: { batchSize: options.batchSize, channelCapacity: options.channelCapacity, autoWatermarkInterval: options.autoWatermarkInterval, checkpointing: options.checkpointing },
        ports: Object.fromEntries(own),
      };
      this.links.push(
        new WorkerConnection(location, threads[location - 1]!, jobNumber, init, [...own.values()], {
          deadLetters: options.deadLetters,
          workerEnded: () => this.workerEnded(),
          pauseTimers: (paused) => this.pauseTimers(paused),
        }),
      );
    }
    this.placement = {
      channel: (edgeIndex, edge, from, to) => {
        const producer = locationOf(edge.from, from, workers);
        const consumer = locationOf(edge.to, to, workers);
        if (producer === consumer) return undefined;
        const key = channelKey(edgeIndex, from, to);
        if (producer === MAIN) return this.data.outTo(consumer, key, options.channelCapacity, 64, edge);
        if (consumer === MAIN) return this.data.inFrom(producer, key, options.channelCapacity, 64);
        return undefined; // between two workers: not this thread's
      },
      remote: (node: PlanNode, subtask: number, listener: TaskListener) => {
        const location = locationOf(node, subtask, workers);
        if (location === MAIN) return undefined;
        return this.links[location - 1]!.standIn(node, subtask, taskKey(plan, node, subtask), listener);
      },
    };
  }

  /** A failure of no particular subtask (a batch the main thread could not decode): the job fails. */
  private fail(error: unknown): void {
    for (const link of this.links) if (link.failJob(error)) return;
  }

  /**
   * A stop without drain told the sources on the workers to stop (or, its savepoint failed, to resume):
   * every worker holds its processing-time timers meanwhile, also one that runs no source.
   */
  private timersPaused = false;
  private pauseTimers(paused: boolean): void {
    if (paused === this.timersPaused) return;
    this.timersPaused = paused;
    for (const link of this.links) link.pauseTimers(paused);
  }

  private ended = 0;
  private workerEnded(): void {
    if (++this.ended === this.count) this.data.close();
  }
}

/** What a worker's connection tells the job's other threads of. */
interface GroupHooks {
  /** The job's dead letters (`job.deadLetters()`): a worker's are added as they arrive. */
  readonly deadLetters: DeadLetterLog;
  /** The thread is done with this attempt. */
  workerEnded(): void;
  pauseTimers(paused: boolean): void;
}

/** One job attempt's side of a pooled worker thread: its stand-ins, and the calls to it awaiting a reply. */
class WorkerConnection implements WorkerLink, JobEndpoint {
  private readonly tasks = new Map<string, RemoteTask>();
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextCall = 1;
  private open = 0;
  private ending = false;

  constructor(
    private readonly location: number,
    private readonly worker: PooledWorker,
    private readonly job: number,
    init: ToWorker,
    transfer: MessagePort[],
    private readonly group: GroupHooks,
  ) {
    worker.attach(job, this);
    worker.post(init, transfer);
  }

  standIn(node: PlanNode, subtask: number, key: string, listener: TaskListener): RemoteTask {
    const task = new RemoteTask(node, subtask, key, this, listener);
    this.tasks.set(key, task);
    this.open++;
    return task;
  }

  post(task: string, op: TaskOp, args: CallMessage["args"] = []): void {
    if (this.ending) return;
    // Sent before the stop itself: the savepoint's barriers follow it.
    if (op === "stop" && args[0] === false) this.group.pauseTimers(true);
    else if (op === "resume") this.group.pauseTimers(false);
    this.worker.post({ type: "call", job: this.job, task, op, args });
  }

  call(task: string, op: TaskOp, args: CallMessage["args"] = []): Promise<unknown> {
    if (this.ending) return Promise.resolve(undefined);
    const id = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.post({ type: "call", job: this.job, id, task, op, args });
    });
  }

  pauseTimers(paused: boolean): void {
    if (!this.ending) this.worker.post({ type: "timers", job: this.job, paused });
  }

  closed(): void {
    if (--this.open > 0 || this.ending) return;
    this.ending = true;
    this.worker.detach(this.job);
    this.group.workerEnded();
  }

  /** Fails the job through one of this worker's subtasks; false if it has none. */
  failJob(error: unknown): boolean {
    const first = this.tasks.values().next().value;
    first?.wake(error);
    return first !== undefined;
  }

  receive(message: FromWorker): void {
    switch (message.type) {
      case "ready":
        return;
      case "reply": {
        const call = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) call?.reject(fromWire(message.error));
        else call?.resolve(message.value);
        return;
      }
      case "wake":
        this.tasks.get(message.task)?.wake(message.error === undefined ? undefined : fromWire(message.error));
        return;
      case "ack":
        this.tasks.get(message.task)?.acknowledge(message.checkpointId, message.snapshot);
        return;
      case "deadLetter":
        this.group.deadLetters.add(message.letter);
        return;
      case "state":
        for (const { task, metrics } of message.tasks) this.tasks.get(task)?.report(metrics);
        return;
    }
  }

  /** The thread died (a crash outside any subtask's code, or out of memory): the job fails, naming what ran there. */
  died(cause: Error): void {
    if (this.ending) return;
    this.ending = true;
    const names = [...this.tasks.values()].map((t) => `${t.node.name} (subtask ${t.subtask})`).join(", ");
    const error = new Error(`Worker thread ${this.location} running ${names} died: ${cause.message}`, { cause });
    this.failJob(error);
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
    this.group.workerEnded();
  }
}
