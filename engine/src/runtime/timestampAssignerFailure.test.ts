/**
 * A timestamp assigner that throws on a record (`TimestampsAndWatermarks.send`, the loop a SQL scan's
 * rowtime runs in for every record): under dead-letter the record is a dead letter of the source and
 * the records after it in the same batch go on with their timestamps; under fail the job fails naming it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEnvironment } from "../api/StreamEnvironment.js";
import { UserFunctionError } from "../errors/errors.js";
import { sinks } from "../sinks/sinks.js";
import { WatermarkStrategy } from "../time/WatermarkStrategy.js";

const strategy = WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => {
  if (v < 0) throw new Error(`no time for ${v}`);
  return v * 10;
});

test("under dead-letter, a record whose timestamp assigner throws is left out and the batch goes on", async () => {
  const env = StreamEnvironment.create({ parallelism: 1 }).setErrorPolicy("dead-letter");
  const out = sinks.collect<[number, number]>();
  env
    .fromArray([1, -2, 3, -4, 5])
    .assignTimestampsAndWatermarks(strategy)
    .process<[number, number]>((v, ctx, o) => o.collect([v, ctx.timestamp]))
    .sinkTo(out);
  const job = env.execute("assigner-dl");
  await job.wait();
  assert.deepEqual(out.values, [
    [1, 10],
    [3, 30],
    [5, 50],
  ]);
  assert.deepEqual(
    job.deadLetters().map((d) => d.record),
    [-2, -4],
  );
});

test("under fail, a timestamp assigner that throws fails the job with the record", async () => {
  const env = StreamEnvironment.create({ parallelism: 1 });
  env.fromArray([1, -2, 3]).assignTimestampsAndWatermarks(strategy).sinkTo(sinks.collect());
  const result = await env.execute("assigner-fail").done;
  assert.ok(result.error instanceof UserFunctionError, String(result.error));
  assert.equal(result.error.context.record, -2);
  assert.match(result.error.message, /no time for -2/);
});
