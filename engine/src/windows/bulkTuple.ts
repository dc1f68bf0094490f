/**
 * Arrays a window emits in bulk (the local phase's partials, SQL's window rows), made by `new Array(n)` and
 * filled rather than by an array literal. A literal's allocation site leaves an allocation memento behind
 * its arrays, and V8 pretenures the site when a scavenge finds the arrays it sampled alive: a firing's
 * output waits in its batch, so a scavenge during one finds them all alive, and the decision sticks. In
 * nexmark SQL q5 at p=2 the workers pretenured both sites during the warm-up (`--trace-pretenuring-statistics`:
 * 591 to 2,402 arrays sampled, all alive) and from then on made every partial and window row in the old
 * generation, where only a mark-compact frees them: two mark-compacts per worker per 6 M events, one after
 * (RESULTS.md "Session 24"). An `Array(n)` site leaves mementos only while its arrays hold small integers, so
 * V8 does not pretenure these (windowResult.ts does the same for objects, with `new`). The arrays are holey.
 */
export function tuple4(a: unknown, b: unknown, c: unknown, d: unknown): [unknown, unknown, unknown, unknown] {
  const t = new Array(4) as [unknown, unknown, unknown, unknown];
  t[0] = a;
  t[1] = b;
  t[2] = c;
  t[3] = d;
  return t;
}

/** The body of a generated function returning the row of `columns` (JavaScript expressions) as `tuple4` makes one. */
export function bulkRowSource(columns: readonly string[]): string {
  return `{ const r = new Array(${columns.length}); ${columns.map((c, i) => `r[${i}] = ${c};`).join(" ")} return r; }`;
}
