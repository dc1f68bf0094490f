/** What the Kafka benches share: the record they send, and a local broker (scripts/kafka.sh, started if needed). */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface View {
  id: number;
  user: string;
  url: string;
  ts: number;
}

/** Record `i`: ~100 bytes of JSON, 1,000 users (the key), 97 pages. */
export const view = (i: number): View => ({ id: i, user: `user-${i % 1000}`, url: `https://example.com/page/${i % 97}`, ts: 1_700_000_000_000 + i });

/** host:port of a running broker of `version`. */
export function startBroker(version: string): string {
  // dist/bench/*.js → the repository root is two levels up.
  const script = fileURLToPath(new URL("../../scripts/kafka.sh", import.meta.url));
  return execFileSync("bash", [script, "start", version], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim()
    .split("\n")
    .pop()!;
}
