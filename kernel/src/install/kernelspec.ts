import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type Scope = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; prefix: string };

export const KERNEL_NAME = "sluice";
export const DISPLAY_NAME = "Sluice (TypeScript)";

export class KernelspecError extends Error {
  override name = "KernelspecError";
}

function sysPrefix(): string {
  const env = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX;
  if (env) return env;
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch (e) {
    throw new KernelspecError(`--sys-prefix needs an active venv/conda env or python3 on PATH: ${String(e)}`);
  }
}

/** Where Jupyter looks for kernelspecs of this scope (jupyter_core's data dirs). */
export function kernelsDir(scope: Scope): string {
  switch (scope.kind) {
    case "user":
      return process.platform === "darwin"
        ? join(homedir(), "Library", "Jupyter", "kernels")
        : join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter", "kernels");
    case "sys-prefix":
      return join(sysPrefix(), "share", "jupyter", "kernels");
    case "prefix":
      return join(resolve(scope.prefix), "share", "jupyter", "kernels");
  }
}

/** The kernel.json Jupyter uses to start us: absolute node and entry point, so PATH never matters. */
export function kernelJson(): Record<string, unknown> {
  const entry = fileURLToPath(new URL("../../../../bin/sluice.js", import.meta.url));
  return {
    argv: [process.execPath, entry, "kernel", "--connection-file", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    // interrupt_request arrives on control and is served by a worker thread, so a cell stuck
    // in a synchronous loop is interrupted; SIGINT works as well.
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

export function install(scope: Scope, name = KERNEL_NAME): string {
  const dir = join(kernelsDir(scope), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelJson(), null, 2) + "\n");
  return dir;
}

export function uninstall(scope: Scope, name = KERNEL_NAME): string | null {
  const dir = join(kernelsDir(scope), name);
  if (!existsSync(dir)) return null;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
