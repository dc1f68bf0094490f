/**
 * A key selector runs where records are routed, in the producing subtask (as in Flink, where
 * `KeyGroupStreamPartitioner` calls it in the upstream task): its failure names that subtask, not
 * an arbitrary subtask of the keyed operator, and says which keyBy it belongs to.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import type { Source } from "../connectors/Source.js";
import { UserFunctionError } from "../errors/errors.js";
import { sinks } from "../sinks/sinks.js";

interface Row {
  k: string | null;
}

/** Subtask `s` of parallelism 2 reads `perSubtask[s]`. */
function perSubtaskSource(perSubtask: readonly Row[][]): Source<Row> {
  return {
    name: "rows",
    bounded: true,
    maxParallelism: 128,
    createReader: ({ subtask }) => ({ poll: () => ({ values: [...perSubtask[subtask]!], end: true }) }),
  };
}

test("a throwing key selector is blamed on the subtask that ran it, naming the keyed operator", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 });
  env
    .fromSource(perSubtaskSource([[{ k: "a" }], [{ k: "b" }, { k: null }]]))
    .name("rows")
    .keyBy((r) => r.k!.toUpperCase())
    .process<string>((r, _ctx, out) => out.collect(r.k!))
    .name("upper")
    .sinkTo(sinks.collect());
  const result = await env.execute("keys").done;
  assert.ok(result.error instanceof UserFunctionError, String(result.error));
  assert.equal(result.error.context.operator, "rows");
  assert.equal(result.error.context.subtask, 1);
  assert.deepEqual(result.error.context.record, { k: null });
  assert.match(result.error.message, /key selector of 'upper'/);
});

test("under dead-letter, a throwing key selector's record is a dead letter of the subtask that ran it", async () => {
  const env = StreamEnvironment.create({ parallelism: 2 }).setErrorPolicy("dead-letter");
  const out = sinks.collect<string>();
  env
    .fromSource(perSubtaskSource([[{ k: null }], [{ k: "b" }]]))
    .name("rows")
    .keyBy((r) => r.k!.toUpperCase())
    .process<string>((r, _ctx, o) => o.collect(r.k!))
    .name("upper")
    .sinkTo(out);
  const job = env.execute("keys-dl");
  await job.wait();
  assert.deepEqual(out.values, ["b"]);
  const letters = job.deadLetters();
  assert.deepEqual(
    letters.map((d) => [d.operator, d.subtask, d.record]),
    [["rows", 0, { k: null }]],
  );
  assert.match(letters[0]!.reason, /key selector of 'upper'/);
});
