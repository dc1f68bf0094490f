/**
 * What the runtime needs of an operator taking part in two-phase commit (today only `SinkOperator`
 * over a `SinkWriter` with `prepareCommit`). Kept out of `Operator` so other operators are unaffected.
 */
export interface TwoPhaseCommitOperator {
  readonly twoPhaseCommit: true;
  /** See `SinkWriter.commitBeforeCheckpointPublished`. */
  readonly commitBeforeCheckpointPublished: boolean;
  prepareCommit(checkpointId: number): unknown | Promise<unknown>;
  commit(checkpointId: number): void | Promise<void>;
  checkpointAborted(checkpointId: number): void | Promise<void>;
  abort(): void | Promise<void>;
  /** Called before `open()`; the operator hands them to its writer after opening it. */
  setRecoveredCommittables(committables: readonly unknown[]): void;
}

/**
 * The checkpoint id a two-phase-commit writer sees in `prepareCommit`/`commit` at the end of bounded
 * input when the job takes no checkpoints (with checkpoints, the final checkpoint's id).
 */
export const END_OF_INPUT_COMMIT = 0;

export function isTwoPhaseCommit(operator: object): operator is TwoPhaseCommitOperator {
  return (operator as Partial<TwoPhaseCommitOperator>).twoPhaseCommit === true;
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}
