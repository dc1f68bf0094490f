import { CollectSink } from "../sinks/MemorySinks.js";

/**
 * The sink collecting a SQL statement's result for its table: one subtask whatever the query's parallelism,
 * as the result views (views/), so its state (the rows held, which a restart rolls back to) is exact and does
 * not pin a savepoint to the parallelism it was taken at.
 */
export class ResultCollectSink<T> extends CollectSink<T> {
  readonly maxParallelism = 1;
}
