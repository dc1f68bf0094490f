import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const venvBin = join(repoRoot, ".venv", "bin");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface RunningServer {
  baseUrl: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * A real Jupyter Server from the project's venv, on loopback, finding our kernelspec, configured as
 * `npm start` configures it (scripts/jupyter-server-config.sh). `extraArgs` are more server options.
 * The kernelspec is looked up in $JUPYTER_PATH when set (scripts/test.sh puts one that starts
 * kernels on the current Node LTS in front), else in the venv's.
 */
export async function startJupyterServer(rootDir = mkdtempSync(join(tmpdir(), "sluice-nb-")), extraArgs: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const proc: ChildProcess = spawn(
    join(venvBin, "jupyter"),
    [
      "server",
      "--no-browser",
      `--ServerApp.ip=127.0.0.1`,
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${rootDir}`,
      "--allow-root",
      ...extraArgs,
    ],
    { env: { ...process.env, JUPYTER_PATH: process.env.JUPYTER_PATH || join(repoRoot, ".venv", "share", "jupyter"), SLUICE_HISTORY: "off" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  proc.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const baseUrl = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter server exited: ${log}`);
    try {
      const r = await fetch(`${baseUrl}api/status`, { headers: { Authorization: `token ${token}` } });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`jupyter server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    token,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
