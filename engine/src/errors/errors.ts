/**
 * The engine's error hierarchy. Every error carries the context a user needs to find the
 * failing piece of their pipeline without a debugger: job, operator, subtask, key and record.
 * Messages are built in `messages.ts` so wording stays consistent.
 */

/** Where in a running job something happened. All fields are optional because plan-time errors have no subtask. */
export interface ErrorContext {
  job?: string;
  operator?: string;
  subtask?: number;
  key?: unknown;
  record?: unknown;
  timestamp?: number;
  /** Source position: file path, byte offset, line number. */
  source?: string;
  offset?: number;
  line?: number;
}

/** Base class of every error thrown by the engine. `retriable` says whether re-running the job could succeed. */
export class SluiceError extends Error {
  readonly context: ErrorContext;
  readonly retriable: boolean;
  constructor(message: string, context: ErrorContext = {}, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = context;
    this.retriable = options.retriable ?? false;
  }
}

/** The job graph is invalid (checked by `env.execute()` before anything runs). `problems` lists every issue found. */
export class PlanError extends SluiceError {
  readonly problems: readonly string[];
  constructor(job: string, problems: readonly string[]) {
    super(`Job '${job}' cannot run:\n  - ${problems.join("\n  - ")}`, { job });
    this.problems = problems;
  }
}

/** A user function (map, filter, key selector, window function, ...) threw. `cause` is the original error. */
export class UserFunctionError extends SluiceError {}

/** A source failed to read (I/O error, iterator threw). */
export class SourceError extends SluiceError {
  constructor(message: string, context: ErrorContext, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, context, { retriable: true, ...options });
  }
}

/** A source read bytes it could not turn into a record (bad JSON, wrong CSV column count). */
export class ParseError extends SluiceError {}

/** A sink failed to write. */
export class SinkError extends SluiceError {
  constructor(message: string, context: ErrorContext, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, context, { retriable: true, ...options });
  }
}

/** A record was used in event time but carries no timestamp. */
export class MissingTimestampError extends SluiceError {}

/** Writing or reading a checkpoint failed, or a restore does not match the job. */
export class CheckpointError extends SluiceError {
  /** The checkpoint did not complete within `checkpointTimeout`: something it waits for makes no progress. */
  expired = false;
  /** An expired checkpoint whose file was published before its commits got stuck: it is complete, restore from it. */
  durable: { id: number; path: string } | undefined;
}

/** Misuse of the API that is detected while building (wrong argument, state outside a keyed context). */
export class ApiUsageError extends SluiceError {}

/** Keeps a user-visible rendering of a value short, so error messages stay readable for large records. */
export function describeValue(value: unknown, max = 200): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    // Circular or otherwise unserializable: fall back to the default rendering, which never throws for plain values.
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
