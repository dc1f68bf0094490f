import { END_OF_INPUT_COMMIT, type TwoPhaseCommitOperator } from "../checkpoint/TwoPhaseCommit.js";

/**
 * One subtask's part in two-phase commit, for an operator that takes part (a sink whose writer
 * prepares commits): phase one at each checkpoint barrier (as Flink's SinkWriter.prepareCommit),
 * phase two once the checkpoint is complete (as Flink's CommitterOperator on
 * notifyCheckpointComplete), abort on failure. It remembers the checkpoints prepared and neither
 * committed nor aborted, so only what was prepared up to a checkpoint is committed by it.
 */
export class SinkCommitter {
  private readonly prepared = new Set<number>();

  constructor(
    private readonly operator: TwoPhaseCommitOperator,
    /** A failure of phase two fails the job. */
    private readonly fail: (error: unknown) => void,
    /** Names the subtask in the warning of a failed abort. */
    private readonly ctx: { readonly jobName: string; readonly operatorName: string; readonly subtask: number },
  ) {}

  /** Phase one for checkpoint `id`: ends what was written since the last one; the committable goes into the checkpoint. */
  prepare(id: number): unknown | Promise<unknown> {
    this.prepared.add(id);
    return this.operator.prepareCommit(id);
  }

  /** Checkpoint `id` is durable: commits what was prepared up to it. Resolves when done. */
  notifyComplete(id: number): Promise<void> | undefined {
    let prepared = false;
    for (const p of this.prepared) {
      if (p <= id) {
        prepared = true;
        this.prepared.delete(p);
      }
    }
    if (!prepared) return undefined;
    return this.settle(() => this.operator.commit(id));
  }

  /** Checkpoint `id` failed after this subtask may have prepared it. */
  notifyAborted(id: number): Promise<void> | undefined {
    if (!this.prepared.delete(id)) return undefined;
    return this.settle(() => this.operator.checkpointAborted(id));
  }

  /**
   * The job failed or was cancelled: drop uncommitted output (before close). A failure here does not
   * change how the job ended (its cause came first, or it was cancelled), but output may be left
   * behind in the external system, so it is logged.
   */
  async abortUncommitted(): Promise<void> {
    try {
      await this.operator.abort();
    } catch (error) {
      const { jobName, operatorName, subtask } = this.ctx;
      const why = error instanceof Error ? error.message : String(error);
      console.warn(`Job '${jobName}': aborting the uncommitted output of ${operatorName} (subtask ${subtask}) failed; it may be left behind: ${why}`);
    }
  }

  /** Without checkpointing, end of input is the only commit point: prepare and commit the tail at once. */
  async commitAtEndOfInput(): Promise<void> {
    await this.operator.prepareCommit(END_OF_INPUT_COMMIT);
    await this.operator.commit(END_OF_INPUT_COMMIT);
  }

  private async settle(call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }
}
