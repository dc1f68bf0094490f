/**
 * A worker thread of a job (see `workerPlacement.ts`): plans the job again from its recipe, builds
 * the subtasks `slots.ts` puts here, runs them (`WorkerLoop`) and answers the main thread's calls.
 */
import { type MessagePort, parentPort } from "node:worker_threads";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { OperatorCheckpoint } from "../../checkpoint/CheckpointData.js";
import type { BatchCodec } from "../../exchange/BatchCodec.js";
import { buildPlan, type JobPlan } from "../../graph/JobPlan.js";
import { SystemClock } from "../../time/Clock.js";
import { buildTasks } from "../buildTasks.js";
import type { SourceTask } from "../SourceTask.js";
import { DeadLetterLog } from "../SubtaskContext.js";
import type { Task } from "../Task.js";
import type { DeadLetter } from "../../operators/Operator.js";
import { type CallMessage, cloneableLetter, type FromWorker, type InitMessage, type ToWorker, toWire } from "./protocol.js";
import { DataPorts } from "./RemoteChannels.js";
import { loadExport } from "./workerPlacement.js";
import { WorkerLoop } from "./WorkerLoop.js";
import { channelKey, locationOf, planDifference, planSignature, taskKey } from "./slots.js";

const port = parentPort!;
/** What a job's messages to the main thread are sent with (tagged with the job's number). */
type Send = (message: DistributiveOmit<FromWorker, "job">) => void;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The job's dead-letter log is the main thread's (`job.deadLetters()`, the metrics' total): each letter goes there as it is routed. */
class ForwardedDeadLetters extends DeadLetterLog {
  constructor(private readonly send: Send) {
    super(0);
  }

  override add(letter: DeadLetter): void {
    super.add(letter);
    this.send({ type: "deadLetter", letter: cloneableLetter(letter) });
  }
}

/** The worker's part of the job, once planned. */
class WorkerJob {
  private constructor(
    private readonly tasks: ReadonlyMap<string, Task>,
    private readonly loop: WorkerLoop,
    readonly data: DataPorts,
  ) {}

  static async create(init: InitMessage): Promise<WorkerJob> {
    const send: Send = (message) => port.postMessage({ ...message, job: init.job });
    const wake = (plan: JobPlan, task: Task, error: unknown) => send({ type: "wake", task: taskKey(plan, task.node, task.subtask), error: toWire(error) });
    const plan = await planAgain(init);
    const codec = await loadExport<BatchCodec>(init.codec);
    const me = init.location;
    const clock = new SystemClock();
    let loop: WorkerLoop | undefined;
    const notify = () => loop?.notify();
    const ports = new Map<number, MessagePort>(Object.entries(init.ports).map(([k, p]) => [Number(k), p]));
    let anyTask: Task | undefined;
    const data = new DataPorts(ports, codec, notify, (error) => anyTask !== undefined && wake(plan, anyTask, error));
    const { capacity, workers } = { capacity: init.options.channelCapacity, workers: init.workers };
    const built = buildTasks(
      plan,
      {
        clock,
        ...init.options,
        placement: {
          channel: (edgeIndex, edge, from, to) => {
            const producer = locationOf(edge.from, from, workers);
            const consumer = locationOf(edge.to, to, workers);
            if (producer === consumer) return undefined;
            if (producer === me) return data.outTo(consumer, channelKey(edgeIndex, from, to), capacity, 64, edge);
            if (consumer === me) return data.inFrom(producer, channelKey(edgeIndex, from, to), capacity, 64);
            return undefined;
          },
          remote: (node, subtask) => (locationOf(node, subtask, workers) === me ? undefined : "skip"),
        },
      },
      new ForwardedDeadLetters(send),
      (task) => ({
        wake: (error?: unknown) => {
          if (error !== undefined) wake(plan, task(), error);
          notify();
        },
        acknowledge: (checkpointId, snapshot) => send({ type: "ack", task: taskKey(plan, task().node, task().subtask), checkpointId, snapshot }),
      }),
    );
    const tasks = new Map(built.tasks.map((t) => [taskKey(plan, t.node, t.subtask), t]));
    anyTask = built.tasks[0];
    const report = () => send({ type: "state", tasks: [...tasks].map(([task, t]) => ({ task, metrics: t.metrics() })) });
    loop = new WorkerLoop(built.tasks, clock, 2, report, (error, task) => wake(plan, task, error));
    return new WorkerJob(tasks, loop, data);
  }

  pauseTimers(paused: boolean): void {
    this.loop.pauseTimers(paused);
  }

  async handle(call: CallMessage): Promise<unknown> {
    const task = this.tasks.get(call.task);
    if (task === undefined) throw new Error(`no subtask ${call.task} on this worker`);
    const [arg] = call.args;
    switch (call.op) {
      case "restore":
        return task.restore(arg as OperatorCheckpoint);
      case "open":
        return task.open();
      case "start":
        task.start();
        this.loop.taskStarted(task);
        return undefined;
      case "cancel":
        task.cancel();
        this.loop.halt();
        return undefined;
      case "settled":
        return task.settled();
      case "abortUncommitted":
        this.loop.halt(); // the job failed or was cancelled
        return task.abortUncommitted();
      case "commitAtEndOfInput":
        return task.commitAtEndOfInput();
      case "close":
        this.loop.halt();
        return task.close();
      case "injectBarrier":
        task.injectBarrier?.(arg as number);
        break;
      case "snapshotFinished":
        return task.snapshotFinished(arg as number);
      case "notifyComplete":
        return task.notifyComplete?.(arg as number);
      case "notifyAborted":
        return task.notifyAborted?.(arg as number);
      case "stop":
        (task as SourceTask).stop(arg as boolean);
        break;
      case "setStopBarrier":
        (task as SourceTask).setStopBarrier(arg as number);
        break;
      case "resume":
        (task as SourceTask).resume();
        break;
    }
    this.loop.notify();
    return undefined;
  }
}

/** Declares the job from its recipe on a fresh environment and checks it is the main thread's plan. */
async function planAgain(init: InitMessage): Promise<JobPlan> {
  const { recipe } = init;
  const env = StreamEnvironment.create(recipe.environment);
  const declare = await loadExport<(env: StreamEnvironment, args: unknown) => void | Promise<void>>(recipe.declare);
  await declare(env, recipe.args);
  const plan = buildPlan(init.jobName, env.graph, env.graph.takePendingSinks(), env.planDefaults());
  const difference = planDifference(init.plan, planSignature(plan));
  if (difference !== undefined) throw new Error(`Job '${init.jobName}': the worker thread planned another job than the main thread (${difference})`);
  return plan;
}

/** The jobs with subtasks on this thread, by number. */
const jobs = new Map<number, Promise<WorkerJob>>();
port.on("message", (message: ToWorker) => {
  const send: Send = (m) => port.postMessage({ ...m, job: message.job });
  if (message.type === "init") {
    const job = WorkerJob.create(message);
    jobs.set(message.job, job);
    job.then(
      () => send({ type: "ready" }),
      () => undefined, // every call reports it
    );
    return;
  }
  const job = jobs.get(message.job);
  if (message.type === "end") {
    jobs.delete(message.job);
    void job?.then(
      (j) => j.data.close(),
      () => undefined,
    );
    return;
  }
  if (message.type === "timers") {
    // In order with the calls: before the stop's barrier is injected.
    void job?.then(
      (j) => j.pauseTimers(message.paused),
      () => undefined,
    );
    return;
  }
  const reply = (value: unknown, error?: unknown) => {
    if (message.id !== undefined) send({ type: "reply", id: message.id, ...(error === undefined ? { value } : { error: toWire(error) }) });
    else if (error !== undefined) send({ type: "wake", task: message.task, error: toWire(error) });
  };
  if (job === undefined) return reply(undefined, new Error(`job ${message.job} is not on this worker thread`));
  // In the order sent: a restore before its open, every open before the starts.
  job
    .then((j) => j.handle(message))
    .then(
      (value) => reply(value),
      (error: unknown) => reply(undefined, error),
    );
});
