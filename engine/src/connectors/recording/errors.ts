import { SluiceError, type ErrorContext } from "../../errors/errors.js";

/**
 * A recording cannot be written or replayed: unfinished or damaged file, a value JSON cannot hold,
 * a recording that does not match the source it should stand in for. `context.source` is the
 * recording's path and `context.line` the offending line, when there is one. Never retriable:
 * running again reads the same file.
 */
export class RecordingError extends SluiceError {
  constructor(message: string, context: ErrorContext, options: { cause?: unknown } = {}) {
    super(message, context, { ...options, retriable: false });
  }
}
