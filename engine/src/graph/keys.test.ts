import assert from "node:assert/strict";
import { test } from "node:test";
import { hashKey, keyGroupOf } from "./keys.js";

test("keyGroupOf is the key's hash modulo maxParallelism, for every hash and maxParallelism (routing and restores depend on it)", () => {
  // Hashes near 0 and 2^32 - 1 and spread between, where a rounded quotient would be off by one.
  const hashes = [0, 1, 127, 128, 129, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1];
  for (let i = 0; i < 20_000; i++) hashes.push(Math.floor(Math.random() * 2 ** 32));
  const maxParallelisms = [1, 2, 3, 7, 100, 127, 128, 129, 1000, 4096, 32767, 32768];
  for (const m of maxParallelisms) {
    for (const h of hashes) {
      const expected = h % m;
      const q = Math.floor(h / m);
      assert.equal(h - q * m, expected, `hash ${h}, maxParallelism ${m}`);
    }
  }
  const keys: unknown[] = [0, 1, -1, 42, 1.5, 2 ** 40, "a", "auction", true, null, undefined, 10n];
  for (let i = 0; i < 5_000; i++) keys.push(Math.floor(Math.random() * 1e9), `k${i}`);
  for (const m of maxParallelisms) {
    for (const key of keys) assert.equal(keyGroupOf(key as never, m), hashKey(key as never) % m, `key ${String(key)}, maxParallelism ${m}`);
  }
});
