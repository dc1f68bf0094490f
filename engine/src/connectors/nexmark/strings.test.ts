import assert from "node:assert/strict";
import { test } from "node:test";
import { NexmarkRandom } from "./NexmarkRandom.js";
import { nextEmail, nextString, nextStringPair } from "./strings.js";

/** The state a generator's stream is at after `draws` (compared through the next draw). */
const after = (rng: NexmarkRandom) => rng.nextBits();

// The one-decode forms must give exactly the strings (and leave exactly the state) of the nextString calls
// they replace: the events are pinned by digest and shared with the Java twin. Many states, so strings that
// trim to a few letters (or none) at either end are among them.
test("nextStringPair and nextEmail equal the nextString calls they replace", () => {
  const a = new NexmarkRandom();
  const b = new NexmarkRandom();
  let trimmed = 0;
  for (let n = 0; n < 50_000; n++) {
    a.reset(11, n);
    b.reset(11, n);
    const pair = nextStringPair(a, 20, 100);
    const expected = [nextString(b, 20), nextString(b, 100)];
    assert.deepEqual(pair, expected, `pair of event ${n}`);
    assert.equal(after(a), after(b));
    a.reset(12, n);
    b.reset(12, n);
    const email = nextEmail(a);
    assert.equal(email, `${nextString(b, 7)}@${nextString(b, 5)}.com`, `email of event ${n}`);
    assert.equal(after(a), after(b));
    // Was the item name trimmed? Its raw letters, drawn again: a space at either end.
    b.reset(11, n);
    const raw = new Uint8Array(20);
    const len = 3 + b.nextInt(20 - 3);
    b.fillLetters(raw, 0, len, 32);
    if (raw[0] === 32 || raw[len - 1] === 32) trimmed++;
  }
  assert.ok(trimmed > 1000, `trimmed item names among the cases (${trimmed})`);
});
