/**
 * A record scan's rowtime stamped on each poll (stampRowtime.ts): one loop per poll; when it throws,
 * record by record, the failing record a bad record of the source (dead letter, or the job fails).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../../api/StreamEnvironment.js";
import type { Source } from "../../connectors/Source.js";
import { MissingTimestampError, ParseError } from "../../errors/errors.js";
import { NoTimestamp } from "../../operators/missingTimestamp.js";
import { sinks } from "../../sinks/sinks.js";
import { stampRowtime } from "./stampRowtime.js";

const numbers = (values: number[]): Source<number> => ({ name: "numbers", bounded: true, maxParallelism: 1, createReader: () => ({ poll: () => ({ values: [...values], end: true }) }) });
const rowtime = (v: number): number => {
  if (v === 0) throw new NoTimestamp("its rowtime is NULL");
  if (v < 0) throw new Error(`no time for ${v}`);
  return v * 10;
};
const rowtimes = (values: readonly number[], out: number[]): void => values.forEach((v, i) => void (out[i] = rowtime(v)));

async function run(values: number[], policy: "fail" | "dead-letter") {
  const env = StreamEnvironment.create({ parallelism: 1 }).setErrorPolicy(policy);
  const out = sinks.collect<[number, number]>();
  env
    .fromSource(stampRowtime(numbers(values), rowtimes, rowtime))
    .process<[number, number]>((v, ctx, o) => o.collect([v, ctx.timestamp]))
    .sinkTo(out);
  const job = env.execute("stamp");
  const result = await job.done;
  return { rows: out.values, letters: job.deadLetters().map((d) => d.record), error: result.error };
}

test("each record of a poll gets its rowtime as its timestamp", async () => {
  const { rows, error } = await run([1, 2, 3], "fail");
  assert.equal(error, undefined);
  assert.deepEqual(rows, [
    [1, 10],
    [2, 20],
    [3, 30],
  ]);
});

test("a record whose rowtime throws is a dead letter of the source, the others go on (dead-letter); the job fails with it (fail)", async () => {
  const lenient = await run([1, -2, 3, -4], "dead-letter");
  assert.deepEqual(lenient.rows, [
    [1, 10],
    [3, 30],
  ]);
  assert.deepEqual(lenient.letters, [-2, -4]);
  const strict = await run([1, -2, 3], "fail");
  assert.ok(strict.error instanceof ParseError, String(strict.error));
  assert.match(strict.error.message, /no time for -2/);
});

test("a record whose rowtime is NULL fails the job with MissingTimestampError naming the source and the record, whatever the error policy (as Flink)", async () => {
  for (const policy of ["dead-letter", "fail"] as const) {
    const { error, letters } = await run([1, 0, 3], policy);
    assert.ok(error instanceof MissingTimestampError, `${policy}: ${error}`);
    assert.deepEqual([error.context.job, error.context.operator, error.context.record], ["stamp", "numbers", 0]);
    assert.match(error.message, /its rowtime is NULL\n {2}record: 0/);
    assert.deepEqual(letters, []);
  }
});
