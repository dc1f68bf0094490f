import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { gcd, lcm } from "./integers.js";

test("gcd: the window grids and parallelisms the engine asks about", () => {
  assert.equal(gcd(10_000, 2_000), 2_000); // nexmark q5's HOP(10 s, 2 s): 2 s slices
  assert.equal(gcd(5_000, 2_000), 1_000);
  assert.equal(gcd(7, 7), 7);
  assert.equal(gcd(9, 0), 9);
  assert.equal(gcd(0, 9), 9);
  assert.equal(gcd(-12, 18), 6);
});

test("lcm: residue classes over restores at 2, 3 and 4 subtasks", () => {
  assert.equal(lcm(2, 3), 6);
  assert.equal(lcm(6, 4), 12);
  assert.equal(lcm(4, 4), 4);
  assert.equal(lcm(1, 5), 5);
});

const whole = fc.integer({ min: 1, max: 1_000_000 });

test("gcd divides both and every common divisor divides it; lcm is the least common multiple", () => {
  fc.assert(
    fc.property(whole, whole, whole, (a, b, c) => {
      const g = gcd(a, b);
      assert.equal(a % g, 0);
      assert.equal(b % g, 0);
      // Greatest: what is left of a and b after dividing by g has no common divisor but 1.
      assert.equal(gcd(a / g, b / g), 1);
      assert.equal(gcd(a * c, b * c), g * c);
      const m = lcm(a, b);
      assert.equal(m % a, 0);
      assert.equal(m % b, 0);
      assert.equal(m * g, a * b);
    }),
  );
});
