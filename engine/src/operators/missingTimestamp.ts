import { MissingTimestampError } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import type { OperatorContext } from "./Operator.js";

/** The error for a record that reached an event-time operator without a timestamp: job, operator, subtask, key and record named. */
export function missingTimestamp(ctx: Pick<OperatorContext<unknown>, "jobName" | "operatorName" | "subtask">, key: unknown, record: unknown): MissingTimestampError {
  const where = { job: ctx.jobName, operator: ctx.operatorName, subtask: ctx.subtask, key, record };
  return new MissingTimestampError(messages.missingTimestamp(where), where);
}
