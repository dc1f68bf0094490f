import { CheckpointError, SluiceError } from "../errors/errors.js";

/**
 * Flink's CheckpointFailureManager: periodic checkpoints (and any that expired) that fail more than
 * `tolerable` times in a row fail the job, so its restart strategy takes over instead of the job
 * running on without ever committing (`tolerableCheckpointFailures`, default 0 as in Flink).
 */
export class CheckpointFailureManager {
  private inARow = 0;

  constructor(
    private readonly job: string,
    private readonly tolerable: number,
  ) {}

  succeeded(): void {
    this.inARow = 0;
  }

  /** The error that fails the job, or undefined while failures are tolerated. */
  failed(error: unknown): CheckpointError | undefined {
    if (++this.inARow <= this.tolerable) return undefined;
    const context = error instanceof SluiceError ? error.context : { job: this.job };
    const message = `${this.inARow} checkpoint(s) failed in a row (tolerated: ${this.tolerable}): ${(error as Error).message}`;
    return new CheckpointError(message, context, { cause: error, retriable: true });
  }
}
