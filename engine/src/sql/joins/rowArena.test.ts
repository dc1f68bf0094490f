import assert from "node:assert/strict";
import { test } from "node:test";
import { RowArena } from "./rowArena.js";

/** Rows appended to several keys' lists at random, read back per key as the flat lists a per-key array kept. */
function fill(arena: RowArena, rows: number, keys: number, value: (row: number, column: number) => unknown): { lists: unknown[][]; heads: number[] } {
  const lists: unknown[][] = Array.from({ length: keys }, () => []);
  const heads = new Array<number>(keys).fill(-1);
  const tails = new Array<number>(keys).fill(-1);
  let seed = 7;
  for (let r = 0; r < rows; r++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const k = seed % keys;
    const row = Array.from({ length: arena.width }, (_, c) => value(r, c));
    tails[k] = arena.append(row, 0, tails[k] as number);
    if ((heads[k] as number) < 0) heads[k] = tails[k] as number;
    (lists[k] as unknown[]).push(...row);
  }
  return { lists, heads };
}

test("each key's rows come back in order across chunks, numbers exactly (doubles, -0, integers past 2^31)", () => {
  const arena = new RowArena(3, 4);
  const { lists, heads } = fill(arena, 200, 7, (r, c) => (c === 0 ? r : c === 1 ? 1.8e12 + r / 8 : r % 5 === 0 ? -0 : -r));
  lists.forEach((list, k) => assert.deepEqual(heads[k] === -1 ? [] : arena.list(heads[k] as number), list));
  // Walking a list by chunk and offset, as the join does.
  const k = lists.findIndex((l) => l.length > 0);
  const walked: unknown[] = [];
  for (let at = heads[k] as number; at >= 0; at = arena.next(at)) walked.push(...Array.from({ length: 3 }, (_, c) => arena.chunk(at)[arena.offset(at) + c]));
  assert.deepEqual(walked, lists[k]);
});

test("a value that is not a number (NULL, a string, a bigint) keeps every row's values as they were, those before it too", () => {
  const arena = new RowArena(2, 8);
  const value = (r: number, c: number): unknown => (r < 50 ? r * 1.5 : c === 0 ? null : r % 3 === 0 ? `s${r}` : r % 3 === 1 ? BigInt(r) : r);
  const { lists, heads } = fill(arena, 120, 5, value);
  lists.forEach((list, k) => assert.deepEqual(arena.list(heads[k] as number), list));
  assert.throws(() => new RowArena(0), RangeError);
  assert.throws(() => new RowArena(2, 6), RangeError);
});
