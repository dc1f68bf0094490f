/**
 * For tests: a job that met a record without an event timestamp failed with MissingTimestampError
 * naming where (job, operator), which key and which record, in its context and its message.
 */
import assert from "node:assert/strict";
import { describeValue, MissingTimestampError } from "../errors/errors.js";
import type { JobResult } from "../runtime/JobResult.js";

export function assertMissingTimestamp(result: JobResult, expected: { job: string; operator: RegExp; key: unknown; record: unknown }): void {
  assert.equal(result.status, "failed");
  const error = result.error;
  assert.ok(error instanceof MissingTimestampError, `expected MissingTimestampError, got ${error?.name}: ${error?.message}`);
  assert.equal(error.context.job, expected.job);
  assert.match(error.context.operator ?? "", expected.operator);
  assert.deepEqual(error.context.key, expected.key);
  assert.deepEqual(error.context.record, expected.record);
  assert.ok(error.message.includes(`job '${expected.job}'`), error.message);
  assert.ok(error.message.includes(`key ${describeValue(expected.key, 80)}`), error.message);
  assert.ok(error.message.includes(`record: ${describeValue(expected.record)}`), error.message);
  assert.match(error.message, /withTimestampAssigner/);
}
