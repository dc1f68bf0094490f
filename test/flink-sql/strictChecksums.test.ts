/**
 * Every Maven download the repository scripts run verifies checksums (`--strict-checksums`): a jar
 * that does not match Maven Central's checksum fails the build rather than run as the oracle or
 * the benchmark's Flink.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const CALLERS = ["test/flink-sql/oracle.ts", "scripts/flink.sh", "scripts/kafka.sh", "bench/nexmark/run.sh"];

test("every mvn call of the scripts uses --strict-checksums", () => {
  for (const file of CALLERS) {
    const text = readFileSync(join(ROOT, file), "utf8");
    // A call: `mvn -…` in a shell line, or execFileSync("mvn", [...]) in TypeScript; up to the end of its (continued) line.
    const calls = [...text.matchAll(/(?:^|\s)mvn\s+-[^\n]*(?:\\\n[^\n]*)*|execFileSync\("mvn",[^\n]*/g)].map((m) => m[0]);
    assert.ok(calls.length > 0, `${file}: no mvn call found`);
    for (const call of calls) assert.match(call, /--strict-checksums/, `${file}: ${call.trim()}`);
  }
});
