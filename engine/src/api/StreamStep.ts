import { ApiUsageError } from "../errors/errors.js";
import type { StreamNode } from "../graph/StreamGraph.js";

/** The settings of a stream's last step that a stream (`DataStream`) and a sink (`DataStreamSink`) both offer. */
export abstract class StreamStep {
  /** @internal */
  constructor(/** @internal */ readonly node: StreamNode) {}

  /** Names the last step (shown in metrics and errors). */
  name(name: string): this {
    this.node.name = name;
    return this;
  }

  /** Stable identity of the last step, used to match state on restore. */
  uid(uid: string): this {
    this.node.uid = uid;
    return this;
  }

  setParallelism(parallelism: number): this {
    validateParallelism(parallelism);
    this.node.parallelism = parallelism;
    return this;
  }
}

/** Throws for a parallelism that is not a positive integer (a step's, or the environment's default). */
export function validateParallelism(parallelism: number): void {
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new ApiUsageError(`parallelism must be a positive integer, got ${parallelism}`);
}
