/**
 * Errors of the Flink SQL Gateway / REST clients. Flink answers a failed call with HTTP 4xx/5xx
 * and `{ errors: [summary, stack trace] }`; the useful part for a notebook user is usually the
 * innermost "Caused by:" line of the stack (e.g. the SQL validation message), so it is lifted into
 * the message and the whole list kept in `errors`.
 */
import { SluiceError } from "../../errors/errors.js";

export class FlinkGatewayError extends SluiceError {
  readonly status: number | undefined;
  readonly url: string;
  readonly errors: readonly string[];
  constructor(message: string, details: { url: string; status?: number; errors?: readonly string[]; statement?: string }, cause?: unknown) {
    super(message, details.statement === undefined ? {} : { operator: details.statement }, cause === undefined ? {} : { cause });
    this.url = details.url;
    this.status = details.status;
    this.errors = details.errors ?? [];
  }
}

/** The innermost cause Flink reports: the last "Caused by: X: message" line, else the first error. */
export function flinkRootCause(errors: readonly string[]): string {
  const causes: string[] = [];
  for (const error of errors) {
    for (const line of error.split("\n")) {
      const m = /^\s*Caused by: (?:[\w.$]+(?:Exception|Error)): (.*)$/.exec(line);
      if (m?.[1]) causes.push(m[1]);
    }
  }
  return causes.at(-1) ?? errors.find((e) => e.trim() !== "" && e !== "Internal server error.")?.split("\n")[0] ?? errors[0] ?? "no details";
}
