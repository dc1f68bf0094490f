/**
 * Test support for the tests against a real Apache Flink cluster: makes sure one runs (through
 * scripts/flink.sh, which downloads Flink from Maven Central once) and says where its SQL Gateway
 * and REST API are. A cluster this process started is stopped by `stopIfStartedHere()` unless
 * SLUICE_FLINK_KEEP=1; one that was already running is left alone.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
// This file runs as dist/test/integration/flinkCluster.js; the repo root is three levels up.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const script = `${root}scripts/flink.sh`;

export const flinkVersion = process.env.SLUICE_FLINK_VERSION ?? "2.2.0";
/** SLUICE_FLINK_TESTS=off skips these tests (e.g. on a machine without Java or Maven); they never skip on their own. */
export const flinkTestsOff = process.env.SLUICE_FLINK_TESTS === "off";

let startedHere = false;

export interface FlinkCluster {
  gatewayUrl: string;
  restUrl: string;
  startMs: number;
}

export async function ensureFlinkCluster(): Promise<FlinkCluster> {
  const running = await run("bash", [script, "status", flinkVersion]).then(
    () => true,
    () => false,
  );
  const t0 = performance.now();
  const { stdout } = await run("bash", [script, "start", flinkVersion], { timeout: 600_000 });
  const startMs = performance.now() - t0;
  if (!running) startedHere = true;
  const [gatewayUrl, restUrl] = stdout.trim().split("\n").slice(-2);
  if (!gatewayUrl?.startsWith("http://") || !restUrl?.startsWith("http://")) throw new Error(`scripts/flink.sh start printed no URLs: ${JSON.stringify(stdout)}`);
  return { gatewayUrl, restUrl, startMs };
}

export async function stopIfStartedHere(): Promise<void> {
  if (startedHere && process.env.SLUICE_FLINK_KEEP !== "1") await run("bash", [script, "stop", flinkVersion], { timeout: 120_000 });
}

/** Resident memory (MB) of each process of the cluster, from its pid file and /proc. */
export function clusterRssMb(): Record<string, number> {
  const runDir = `${root}.cache/flink/${flinkVersion}/run`;
  const out: Record<string, number> = {};
  for (const role of ["jobmanager", "taskmanager-1", "sql-gateway"]) {
    try {
      const pid = readFileSync(`${runDir}/${role}.pid`, "utf8").trim();
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      if (kb !== undefined) out[role] = Math.round(Number(kb) / 1024);
    } catch {
      // A process without a pid file or gone: reported as absent, the test asserts nothing on memory.
    }
  }
  return out;
}
