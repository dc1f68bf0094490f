import assert from "node:assert/strict";
import { test } from "node:test";
import type { DeadLetter } from "../operators/Operator.js";
import { DeadLetterLog } from "./SubtaskContext.js";

const letter = (n: number) => ({ reason: `bad ${n}` }) as unknown as DeadLetter;
const reasons = (log: DeadLetterLog) => log.recent().map((l) => (l as unknown as { reason: string }).reason);

test("the dead-letter log keeps the last N letters, oldest first, and counts them all", () => {
  const log = new DeadLetterLog(3);
  for (let n = 1; n <= 2; n++) log.add(letter(n));
  assert.deepEqual(reasons(log), ["bad 1", "bad 2"]);
  for (let n = 3; n <= 7; n++) log.add(letter(n));
  assert.deepEqual(reasons(log), ["bad 5", "bad 6", "bad 7"]);
  assert.equal(log.total, 7);
  const none = new DeadLetterLog(0);
  none.add(letter(1));
  assert.deepEqual(none.recent(), []);
  assert.equal(none.total, 1);
});
