import { MissingTimestampError } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import type { OperatorContext } from "./Operator.js";

/** The error for a record that reached an event-time operator without a timestamp: job, operator, subtask, key and record named; `fix`, when given, replaces the DataStream advice. */
export function missingTimestamp(ctx: Pick<OperatorContext<unknown>, "jobName" | "operatorName" | "subtask">, key: unknown, record: unknown, fix?: string): MissingTimestampError {
  const where = { job: ctx.jobName, operator: ctx.operatorName, subtask: ctx.subtask, key, record };
  return new MissingTimestampError(messages.missingTimestamp(where, fix), where);
}

/**
 * Whether `t` is no event time: NaN (none), or not a number at all (a timestamp assigner that
 * returned undefined, a string or a Date), which would otherwise put the record in no window, silently.
 */
export function noTime(t: number): boolean {
  return typeof t !== "number" || Number.isNaN(t);
}

/**
 * Thrown by code that reads a record's event time without knowing its operator (a SQL table's
 * rowtime, read by a timestamp assigner): the operator's userError makes it `missingTimestamp` with
 * its place, key and record.
 */
export class NoTimestamp extends Error {
  constructor(readonly fix: string) {
    super(fix);
  }
}
