import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiUsageError } from "../../errors/errors.js";
import { createRestartBackoff, RestartStrategies } from "./RestartStrategies.js";

/** Delays of successive failures at the given times; undefined where the strategy gives up. */
function delays(strategy: ReturnType<typeof RestartStrategies.noRestart>, failuresAt: number[], random = () => 0.5): (number | undefined)[] {
  const backoff = createRestartBackoff(strategy, random);
  return failuresAt.map((at) => {
    backoff.notifyFailure(at);
    return backoff.canRestart() ? backoff.backoffTime() : undefined;
  });
}

test("none never restarts", () => {
  assert.deepEqual(delays(RestartStrategies.noRestart(), [0]), [undefined]);
});

test("fixed-delay restarts `attempts` times in the job's life, `delay` apart", () => {
  assert.deepEqual(delays(RestartStrategies.fixedDelayRestart(2, 700), [0, 10_000_000, 20_000_000]), [700, 700, undefined]);
  assert.deepEqual(delays(RestartStrategies.fixedDelayRestart(0, 700), [0]), [undefined]);
});

test("exponential-delay multiplies the backoff up to its maximum (Flink's defaults: 1 s × 1.5 up to 1 min)", () => {
  const noJitter = RestartStrategies.exponentialDelayRestart({ jitterFactor: 0 });
  const at = [0, 1_000, 3_000, 6_000, 10_000, 16_000, 26_000, 40_000, 60_000, 90_000, 140_000, 200_000, 270_000];
  assert.deepEqual(delays(noJitter, at), [1000, 1500, 2250, 3375, 5063, 7594, 11391, 17086, 25629, 38443, 57665, 60000, 60000]);
});

test("exponential-delay resets the backoff and the attempts after running `resetBackoffThreshold` without a failure", () => {
  const strategy = RestartStrategies.exponentialDelayRestart({
    initialBackoff: 100,
    maxBackoff: 1000,
    backoffMultiplier: 2,
    resetBackoffThreshold: 5000,
    jitterFactor: 0,
    attemptsBeforeResetBackoff: 3,
  });
  // Three quick failures: 100, 200, 400; the fourth gives up ...
  assert.deepEqual(delays(strategy, [0, 200, 500, 1000]), [100, 200, 400, undefined]);
  // ... unless the job ran threshold + current backoff without failing in between.
  assert.deepEqual(delays(strategy, [0, 200, 500, 500 + 5000 + 400, 6000]), [100, 200, 400, 100, 200]);
});

test("exponential-delay jitter moves each delay by at most ± jitterFactor of it", () => {
  const strategy = RestartStrategies.exponentialDelayRestart({ initialBackoff: 1000, jitterFactor: 0.1 });
  assert.deepEqual(
    delays(strategy, [0], () => 0),
    [900],
  );
  assert.deepEqual(
    delays(strategy, [0], () => 0.999999),
    [1100],
  );
});

test("failure-rate restarts unless more than the allowed failures fall within the interval", () => {
  const strategy = RestartStrategies.failureRateRestart(2, 10_000, 500);
  assert.deepEqual(delays(strategy, [0, 1_000, 2_000]), [500, 500, undefined]);
  // The first failure left the window before the third came; the fourth is the third within 10 s.
  assert.deepEqual(delays(strategy, [0, 1_000, 10_500, 10_900]), [500, 500, 500, undefined]);
});

test("restart strategies refuse nonsense", () => {
  assert.throws(() => RestartStrategies.fixedDelayRestart(-1, 0), ApiUsageError);
  assert.throws(() => RestartStrategies.fixedDelayRestart(1.5, 0), ApiUsageError);
  assert.throws(() => RestartStrategies.exponentialDelayRestart({ backoffMultiplier: 0.5 }), ApiUsageError);
  assert.throws(() => RestartStrategies.exponentialDelayRestart({ initialBackoff: 2000, maxBackoff: 1000 }), ApiUsageError);
  assert.throws(() => RestartStrategies.failureRateRestart(1, 0, 0), ApiUsageError);
});
