/**
 * A node:test reporter that prints, once the run ends, how long each test file took (scripts/test.sh
 * adds it beside the usual reporter, so every CI log says where the time went; `bash
 * scripts/ci-times.sh <log>` reads the table). Neither built-in reporter names files, and a file's
 * `before` hooks (a JVM started for an oracle, a Jupyter Server) are in no test's duration_ms. The
 * runner itself times each file (its process included) in the `test:complete` event it sends for the
 * file as a whole, the one whose name is the file's path (Node 20 and 24).
 */
import { relative } from "node:path";

interface TestEvent {
  type: string;
  data?: { name?: string; file?: string; details?: { duration_ms?: number; passed?: boolean } };
}

export default async function* fileTimes(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const rows: { file: string; seconds: number }[] = [];
  for await (const { type, data } of source) {
    if (type !== "test:complete" || data?.file === undefined || data.name !== data.file) continue;
    rows.push({ file: relative(process.cwd(), data.file), seconds: (data.details?.duration_ms ?? 0) / 1000 });
  }
  rows.sort((a, b) => b.seconds - a.seconds);
  const total = rows.reduce((sum, r) => sum + r.seconds, 0);
  yield `\nfile times: ${rows.length} files, ${total.toFixed(0)} s in all (each file's process included), slowest first\n`;
  for (const { file, seconds } of rows) yield `file time ${seconds.toFixed(1).padStart(7)} s  ${file}\n`;
}
