import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { NexmarkGenerator } from "./NexmarkGenerator.js";

test("events are plain objects with the keys of Nexmark's model, in order", () => {
  const g = new NexmarkGenerator();
  const [person, auction, bid] = [g.event(0), g.event(1), g.event(49)];
  for (const e of [person, auction, bid]) assert.equal(Object.getPrototypeOf(e), Object.prototype);
  assert.deepEqual(Object.keys(person), ["type", "id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"]);
  assert.deepEqual(Object.keys(auction), ["type", "id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller", "category", "extra"]);
  assert.deepEqual(Object.keys(bid), ["type", "auction", "bidder", "price", "channel", "url", "dateTime", "extra"]);
  assert.deepEqual({ ...bid }, bid);
});

// `%PretenureAllocationSite(o)` (a V8 test intrinsic) says whether `o` carries the allocation memento V8 pretenures
// a site through (events.ts says why that matters). Made by object literals, thousands of these 50,000 events did.
test("the generator's events carry no allocation site V8 could pretenure", () => {
  const generator = JSON.stringify(new URL("./NexmarkGenerator.js", import.meta.url).href);
  const script = `
    import { NexmarkGenerator } from ${generator};
    const g = new NexmarkGenerator();
    let withMemento = 0;
    const batch = [];
    for (let n = 0; n < 50000; n++) {
      const e = g.event(n);
      batch.push(e);
      if (batch.length === 1000) batch.length = 0;
      if (%PretenureAllocationSite(e)) withMemento++;
    }
    console.log(JSON.stringify({ withMemento }));
  `;
  const out = execFileSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script], { encoding: "utf8" });
  const { withMemento } = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { withMemento: number };
  assert.equal(withMemento, 0);
});
