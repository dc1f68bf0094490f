/**
 * A node:test reporter that prints how long each test file took, as a `file time` line the moment
 * the file is done (scripts/test.sh adds it beside the usual reporter, so every CI log says where
 * the time went; `bash scripts/ci-times.sh <log>` sorts them). Neither built-in reporter names
 * files, and a file's `before` hooks (a JVM started for an oracle, a Jupyter Server) are in no
 * test's duration_ms. The runner itself times each file (its process included) in the
 * `test:complete` event it sends for the file as a whole, the one whose name is the file's path
 * (Node 20 and 24). Each line is given as its file ends, not kept for a table at the end: with
 * --test-force-exit the process ends before a reporter's last words are flushed (scripts/test.sh
 * lists it before TAP on Node 20, which prints every line; on Node 24 it printed none).
 */
import { relative } from "node:path";

interface TestEvent {
  type: string;
  data?: { name?: string; file?: string; details?: { duration_ms?: number } };
}

export default async function* fileTimes(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const { type, data } of source) {
    if (type !== "test:complete" || data?.file === undefined || data.name !== data.file) continue;
    const seconds = (data.details?.duration_ms ?? 0) / 1000;
    yield `file time ${seconds.toFixed(1).padStart(7)} s  ${relative(process.cwd(), data.file)}\n`;
  }
}
