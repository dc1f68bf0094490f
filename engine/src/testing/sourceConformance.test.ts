/**
 * The source conformance test as a connector author uses it (imported from the engine's public API):
 * it passes a correct reader and catches the two classic reader bugs the engine cannot make up for,
 * a position that covers records still buffered and a position object the reader keeps mutating.
 * The engine's own sources are checked in engine/src/connectors/conformance.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkSourceConformance, formatConformanceTable, type Source, type SourcePoll } from "../index.js";

const PAGE = 25;
const TOTAL = 400;

/**
 * A source that fetches pages asynchronously and hands out records from the page it holds.
 * `bug` picks a wrong position: `"buffered"` counts the whole fetched page as read, `"mutable"`
 * returns the object it keeps advancing.
 */
function pagedSource(bug?: "buffered" | "mutable"): Source<number> {
  return {
    name: `paged${bug === undefined ? "" : ` (${bug})`}`,
    bounded: true,
    createReader() {
      const position = { next: 0 }; // the first record not handed out
      let page: number[] = [];
      let fetched = 0; // the next record to fetch
      const fetchPage = async (): Promise<void> => {
        await new Promise((resolve) => setImmediate(resolve));
        page = Array.from({ length: Math.min(PAGE, TOTAL - fetched) }, (_, i) => fetched + i);
        fetched += page.length;
      };
      return {
        async poll(max): Promise<SourcePoll<number>> {
          if (page.length === 0 && fetched < TOTAL) await fetchPage();
          const values = page.splice(0, max);
          position.next += values.length;
          return { values, end: position.next >= TOTAL };
        },
        snapshotPosition: () => (bug === "buffered" ? { next: fetched } : bug === "mutable" ? position : { ...position }),
        restorePosition(p) {
          position.next = (p as { next: number }).next;
          fetched = position.next;
          page = [];
        },
      };
    },
  };
}

test("a correct reader passes the source conformance test", async () => {
  const results = await checkSourceConformance({ name: "paged", source: () => pagedSource(), ordered: true, batchSizes: [3, 10, 40] }, [1, 2, 3, 4]);
  assert.deepEqual(
    results.flatMap((r) => r.problems),
    [],
  );
  assert.ok(results.reduce((n, r) => n + r.checkpoints, 0) > 0);
  assert.match(formatConformanceTable(results), /^source +seeds +checkpoints +lost +duplicated +failed seeds\n[- ]+\npaged +4 +\d+ +0 +0 +0$/);
});

test("the conformance test catches a position that covers records still buffered", async () => {
  const results = await checkSourceConformance({ name: "buffered", source: () => pagedSource("buffered"), ordered: true, batchSizes: [3, 10] }, [1, 2, 3, 4, 5, 6]);
  assert.ok(results.reduce((n, r) => n + r.lost, 0) > 0, formatConformanceTable(results));
});

test("the conformance test catches a position object the reader goes on mutating", async () => {
  const results = await checkSourceConformance({ name: "mutable", source: () => pagedSource("mutable"), ordered: true, batchSizes: [3, 10] }, [1, 2, 3, 4, 5, 6]);
  assert.ok(results.reduce((n, r) => n + r.lost, 0) > 0, formatConformanceTable(results));
});
