import { SinkError, SluiceError, SourceError, UserFunctionError } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import type { Task } from "./Task.js";
import { withModuleFrames } from "./workers/moduleStack.js";

/**
 * What failed job `job` reports for `error`, thrown in `task` (or outside any task): an engine error
 * as it is (it names its place already), else one typed by what the task's operator is.
 */
export function taskFailure(job: string, thrown: unknown, task: Task | undefined): SluiceError {
  // A function of a .ts job module threw: its frames name the .ts lines, not the compiled module's.
  const error = withModuleFrames(thrown);
  if (error instanceof SluiceError) return error;
  const node = task?.node;
  const ctx = { job, ...(node ? { operator: node.name, subtask: task!.subtask } : {}) };
  if (node?.node.kind === "source") return new SourceError(messages.sourceFailed(ctx, error), ctx, { cause: error });
  if (node?.node.kind === "sink") return new SinkError(messages.sinkFailed(ctx, error), ctx, { cause: error });
  return new UserFunctionError(messages.userFunctionFailed(ctx, error), ctx, { cause: error });
}
