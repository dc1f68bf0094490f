import type { JobPlan, PlanEdge, PlanNode } from "../graph/JobPlan.js";
import type { WatermarkOutput } from "../time/WatermarkGenerator.js";
import { Channel } from "./Channel.js";
import type { RuntimeOptions } from "./RuntimeOptions.js";
import { OperatorTask } from "./OperatorTask.js";
import { OutputRouter, type OutEdge } from "./OutputRouter.js";
import { SourceTask } from "./SourceTask.js";
import { type DeadLetterLog, SubtaskContext } from "./SubtaskContext.js";
import type { Task, TaskListener } from "./Task.js";

/**
 * Where subtasks run when a job is spread over threads (`runtime/workers/`): without one, every
 * subtask is built here and every channel is local.
 */
export interface TaskPlacement {
  /** The channel from subtask `from` to subtask `to` of the plan's `edgeIndex`-th edge; undefined: a local one. */
  channel(edgeIndex: number, edge: PlanEdge, from: number, to: number): Channel | undefined;
  /** Undefined: build the subtask here; a task: what stands for it here (it runs elsewhere); "skip": nothing. */
  remote(node: PlanNode, subtask: number, listener: TaskListener): Task | "skip" | undefined;
}

/** What a stop-with-savepoint tells a source subtask (a `SourceTask`, or a stand-in for one on another thread). */
export type StoppableSource = Pick<SourceTask, "stop" | "setStopBarrier" | "resume">;

export interface BuiltTasks {
  /** In plan order, then subtask order (the order tasks open in). */
  tasks: Task[];
  /** The source tasks among them, which a stop-with-savepoint stops. */
  sources: StoppableSource[];
  /** The sink tasks among them, whose state a restart from scratch puts back (`sinkStatesAtStart`). */
  sinks: OperatorTask[];
}

/**
 * The physical job of `plan`, not yet opened: one task per subtask (source readers created,
 * operators instantiated), each with its router, wired by bounded channels. `listenerFor(task)`
 * hears from `task` (its async work settling, its checkpoint acknowledgements). With
 * `checkpointing`, sources keep the position from before each poll for barriers.
 */
export function buildTasks(
  plan: JobPlan,
  options: Pick<RuntimeOptions, "clock" | "batchSize" | "channelCapacity" | "autoWatermarkInterval"> & { checkpointing: boolean; placement?: TaskPlacement | undefined },
  deadLetters: DeadLetterLog,
  listenerFor: (task: () => Task) => TaskListener,
): BuiltTasks {
  const tasks: Task[] = [];
  const sources: StoppableSource[] = [];
  const placement = options.placement;
  let edgeIndex = 0;
  const sinks: OperatorTask[] = [];
  // Channels per edge, indexed [producer subtask][consumer subtask].
  const channels = new Map<PlanEdge, Channel[][]>();
  for (const node of plan.nodes) {
    for (const edge of node.inputs) {
      const grid: Channel[][] = [];
      const index = edgeIndex++;
      for (let i = 0; i < edge.from.parallelism; i++) {
        const row: Channel[] = [];
        for (let j = 0; j < node.parallelism; j++) row.push(placement?.channel(index, edge, i, j) ?? new Channel(options.channelCapacity, 64));
        grid.push(row);
      }
      channels.set(edge, grid);
    }
  }
  const operatorTasks = new Map<PlanNode, (OperatorTask | undefined)[]>();
  for (const node of plan.nodes) {
    const subtasks: (OperatorTask | undefined)[] = [];
    for (let s = 0; s < node.parallelism; s++) {
      if (placement !== undefined) {
        let stand: Task | undefined;
        const elsewhere = placement.remote(
          node,
          s,
          listenerFor(() => stand!),
        );
        if (elsewhere !== undefined) {
          subtasks.push(undefined);
          if (elsewhere === "skip") continue;
          stand = elsewhere;
          tasks.push(stand);
          if (node.node.kind === "source") sources.push(stand as unknown as StoppableSource);
          continue;
        }
      }
      let ctx: SubtaskContext<unknown>;
      const outEdges: OutEdge[] = node.outputs.map((edge) => {
        const row = channels.get(edge)![s]!;
        const kind = edge.partitioning.kind;
        const targets = kind === "forward" ? [row[s]!] : kind === "global" ? [row[0]!] : row;
        return {
          tagId: edge.tag?.id,
          partitioning: edge.partitioning,
          channels: targets,
          maxParallelism: edge.to.maxParallelism,
          // Key selectors run while routing, i.e. in this (the producing) subtask, as in Flink.
          keyError: (cause, value, timestamp) => ctx.userError(keySelectorFailure(edge.to.name, cause), value, timestamp),
        };
      });
      const router = new OutputRouter<unknown>(outEdges);
      const identity = {
        jobName: plan.jobName,
        operatorName: node.name,
        operatorId: node.id,
        subtask: s,
        parallelism: node.parallelism,
        maxParallelism: node.maxParallelism,
        errorPolicy: node.errorPolicy,
        autoWatermarkInterval: options.autoWatermarkInterval,
      };
      let task: Task;
      const listener = listenerFor(() => task);
      if (node.node.kind === "source") {
        ctx = new SubtaskContext<unknown>(identity, options.clock, router, deadLetters);
        const { source, strategy } = node.node.source!;
        const reader = source.createReader({
          subtask: s,
          parallelism: node.parallelism,
          clock: options.clock,
          jobName: plan.jobName,
          badRecord: (reason, raw, position) => ctx.parseFailure(reason, raw, position),
        });
        // A factory: readers made of splits get one generator per split (see SourceTask).
        const newGenerator = strategy === undefined ? undefined : () => strategy.createWatermarkGenerator({ clock: options.clock });
        const sourceTask = new SourceTask(node, ctx, reader, newGenerator, strategy?.timestampAssigner, router, options.batchSize, options.autoWatermarkInterval, options.checkpointing, listener);
        sources.push(sourceTask);
        task = sourceTask;
      } else {
        const newContext = (watermarks: WatermarkOutput) => (ctx = new SubtaskContext<unknown>(identity, options.clock, router, deadLetters, watermarks));
        const opTask = new OperatorTask(node, newContext, router, listener);
        subtasks.push(opTask);
        if (node.node.kind === "sink") sinks.push(opTask);
        task = opTask;
      }
      tasks.push(task);
    }
    operatorTasks.set(node, subtasks);
  }
  for (const node of plan.nodes) {
    for (const edge of node.inputs) {
      const grid = channels.get(edge)!;
      const consumers = operatorTasks.get(node)!;
      const kind = edge.partitioning.kind;
      for (let i = 0; i < grid.length; i++) {
        for (let j = 0; j < consumers.length; j++) {
          // Only wire the channels the producer actually writes to, or the consumer would wait forever for an end marker.
          if (kind === "forward" && i !== j) continue;
          if (kind === "global" && j !== 0) continue;
          consumers[j]?.addInput(grid[i]![j]!, edge.inputIndex);
        }
      }
    }
  }
  return { tasks, sources, sinks };
}

/** The cause of a key selector's failure, naming the keyed operator whose `keyBy` it belongs to. */
function keySelectorFailure(consumer: string, cause: unknown): Error {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new Error(`key selector of '${consumer}' failed: ${why}`, { cause });
}
