/**
 * The messages between the main thread and the worker threads a job's subtasks run on. Everything
 * here is plain data (structured-cloned by `postMessage`): a subtask on a worker is driven through
 * the same `Task` calls as one on the main thread, each call a message and its result a reply.
 */
import type { MessagePort } from "node:worker_threads";
import type { OperatorCheckpoint, SubtaskCheckpoint } from "../../checkpoint/CheckpointData.js";
import type { EncodedBatch } from "../../exchange/BatchCodec.js";
import { ApiUsageError, CheckpointError, type ErrorContext, MissingTimestampError, ParseError, SinkError, SluiceError, SourceError, UserFunctionError } from "../../errors/errors.js";
import type { EnvironmentOptions } from "../../api/StreamEnvironment.js";
import type { DeadLetter } from "../../operators/Operator.js";
import type { SubtaskMetrics } from "../Task.js";
import type { Run } from "./coalescedRuns.js";

/** A module export by URL: what a worker imports to get the same function the main thread has. */
export interface ModuleExport {
  /** `import.meta.url`-style URL of the compiled module. */
  readonly module: string;
  readonly name: string;
}

/**
 * How a worker declares the same job the main thread planned: `declare(env, args)` (a `ModuleExport`)
 * declares the pipeline and its sinks on a fresh environment made with `environment`. Closures
 * written in a notebook cell cannot cross threads; a module can (SQL: `sql/parallel/sqlJobRecipe.ts`).
 */
export interface JobRecipe {
  readonly declare: ModuleExport;
  readonly args: unknown;
  readonly environment: Pick<EnvironmentOptions, "parallelism" | "maxParallelism" | "batchSize" | "errorPolicy">;
}

/** What the worker must find when it plans the job again: any difference and it refuses to run. */
export interface NodeSignature {
  readonly uid: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly inputs: string;
}

export interface InitMessage {
  readonly type: "init";
  /** Numbers the job's attempt within the pool: a worker hosts the subtasks of several jobs. */
  readonly job: number;
  readonly jobName: string;
  /** This worker's location (1..workers; the main thread is 0). */
  readonly location: number;
  readonly workers: number;
  readonly recipe: JobRecipe;
  readonly codec: ModuleExport;
  readonly plan: readonly NodeSignature[];
  readonly options: { batchSize: number; channelCapacity: number; autoWatermarkInterval: number; checkpointing: boolean };
  /** A data port to every other location, by location. */
  readonly ports: Record<number, MessagePort>;
}

/** A `Task` method the main thread calls on a subtask of the worker (`task`: its key, see `slots.ts`). */
export type TaskOp =
  | "restore"
  | "open"
  | "start"
  | "cancel"
  | "settled"
  | "abortUncommitted"
  | "commitAtEndOfInput"
  | "close"
  | "injectBarrier"
  | "snapshotFinished"
  | "notifyComplete"
  | "notifyAborted"
  | "stop"
  | "setStopBarrier"
  | "resume";

export interface CallMessage {
  readonly type: "call";
  readonly job: number;
  /** Set when the caller waits for a reply. */
  readonly id?: number;
  readonly task: string;
  readonly op: TaskOp;
  readonly args: readonly (number | boolean | OperatorCheckpoint)[];
}

/** The job's tasks all closed: the worker forgets it. */
export interface EndMessage {
  readonly type: "end";
  readonly job: number;
}

/**
 * A stop without drain began (`paused`) or its savepoint failed and the job goes on: processing-time
 * timers wait meanwhile, as `JobRunner` holds them on the main thread (they would emit after the barrier).
 */
export interface TimersMessage {
  readonly type: "timers";
  readonly job: number;
  readonly paused: boolean;
}

export type ToWorker = InitMessage | CallMessage | EndMessage | TimersMessage;

export type FromWorker = { readonly job: number } & (
  | { readonly type: "ready" }
  | { readonly type: "reply"; readonly id: number; readonly value?: unknown; readonly error?: WireError }
  /** A subtask's async work settled, with the failure it reports (the main thread names the subtask: `taskFailure`). */
  | { readonly type: "wake"; readonly task: string; readonly error?: WireError }
  | { readonly type: "ack"; readonly task: string; readonly checkpointId: number; readonly snapshot: SubtaskCheckpoint }
  /** A record a subtask there rejected under the dead-letter policy (its `record` as text if it could not be cloned). */
  | { readonly type: "deadLetter"; readonly letter: DeadLetter }
  /** Counters of the worker's subtasks: sent every `METRICS_EVERY_MS` and whenever one finishes. */
  | { readonly type: "state"; readonly tasks: readonly { readonly task: string; readonly metrics: SubtaskMetrics }[] }
);

/** A stream element on a data port: a record batch in its encoded form, anything else as is. */
export type WireElement =
  | { readonly kind: "records"; readonly encoded: EncodedBatch }
  | { readonly kind: "watermark"; readonly timestamp: number }
  | { readonly kind: "status"; readonly idle: boolean }
  | { readonly kind: "barrier"; readonly checkpointId: number }
  | { readonly kind: "end" };

export type DataMessage =
  /** An element for channel `c`. */
  | { readonly c: string; readonly e: WireElement }
  /** Several elements for channel `c`: their records as one encoded batch `b`, their order as runs (`coalescedRuns.ts`). */
  | { readonly c: string; readonly b: EncodedBatch | undefined; readonly runs: readonly Run[] }
  /** Credit for channel `k`: the consumer took `records` records in `elements` elements off it; `buffers`: decoded batches' buffers, back for the producer's encoder to write again. */
  | { readonly k: string; readonly records: number; readonly elements: number; readonly buffers?: ArrayBuffer[] };

/** Often enough that `job.metrics()` trails the workers by little (a test cuts a job by its counts); one small message each. */
export const METRICS_EVERY_MS = 25;

/** An error as it crosses threads: the engine's type and context survive; the stack is the thrower's. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly context: ErrorContext | undefined;
  readonly cause: WireError | undefined;
}

export function toWire(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error), stack: undefined, context: undefined, cause: undefined };
  const context = error instanceof SluiceError ? cloneable(error.context) : undefined;
  const cause = depth < 3 && error.cause !== undefined ? toWire(error.cause, depth + 1) : undefined;
  return { name: error.name, message: error.message, stack: error.stack, context, cause };
}

/** The record or key of a context may not survive a structured clone (a function in it): then its text does. */
function cloneable(context: ErrorContext): ErrorContext {
  try {
    return structuredClone(context);
  } catch {
    const { record, key, ...rest } = context;
    return { ...rest, ...(record !== undefined ? { record: String(record) } : {}), ...(key !== undefined ? { key: String(key) } : {}) };
  }
}

/** A dead letter as it crosses threads: its record and key as text when they cannot be cloned (a function in them). */
export function cloneableLetter(letter: DeadLetter): DeadLetter {
  try {
    return structuredClone(letter);
  } catch {
    const { record, key, ...rest } = letter;
    return { ...rest, record: String(record), ...(key !== undefined ? { key: String(key) } : {}) };
  }
}

const TYPES: Record<string, new (message: string, context: ErrorContext, options: { cause?: unknown }) => SluiceError> = {
  SluiceError,
  UserFunctionError,
  SourceError,
  SinkError,
  ParseError,
  CheckpointError,
  MissingTimestampError,
  ApiUsageError,
};

export function fromWire(wire: WireError): Error {
  const cause = wire.cause === undefined ? undefined : fromWire(wire.cause);
  const Type = wire.context !== undefined ? TYPES[wire.name] : undefined;
  const error = Type !== undefined ? new Type(wire.message, wire.context!, cause === undefined ? {} : { cause }) : new Error(wire.message, cause === undefined ? undefined : { cause });
  if (Type === undefined && wire.name !== "Error") error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
