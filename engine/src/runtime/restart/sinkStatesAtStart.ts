import type { OperatorTask } from "../OperatorTask.js";

/**
 * Where a job's sinks started, for a restart that has no checkpoint to restore: sinks that roll back
 * on restore (collect, file sinks) are put back there, so the failed attempt's output is not kept
 * twice. Keyed by `uid#subtask`, which is the same in every attempt of a job.
 */
export type SinkStatesAtStart = ReadonlyMap<string, unknown>;

/** A job started from scratch: each sink subtask's state before it wrote anything. */
export function rememberSinkStates(sinks: readonly OperatorTask[]): SinkStatesAtStart {
  const states = new Map<string, unknown>();
  for (const task of sinks) states.set(keyOf(task), task.operatorState());
  return states;
}

/** A restart from scratch: put each sink subtask back where the first attempt found it. */
export function restoreSinkStates(sinks: readonly OperatorTask[], states: SinkStatesAtStart): void {
  for (const task of sinks) {
    const state = states.get(keyOf(task));
    if (state !== undefined) task.restoreOperatorState(state);
  }
}

const keyOf = (task: OperatorTask) => `${task.node.uid}#${task.subtask}`;
