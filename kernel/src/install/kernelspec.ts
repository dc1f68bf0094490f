import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { jupyterOnPath, KernelspecError, kernelsDir, type Scope } from "./jupyterPaths.js";

export { kernelsDir, KernelspecError, type Scope } from "./jupyterPaths.js";

export const KERNEL_NAME = "sluice";
export const DISPLAY_NAME = "Sluice (TypeScript)";
/** The launcher's icons: JupyterLab shows logo-svg.svg, else logo-64x64.png (kernel/logo/). */
export const LOGOS = ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] as const;
const LOGO_DIR = fileURLToPath(new URL("../../../../kernel/logo/", import.meta.url));

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

/** The kernelspec folder's files (kernel.json and the logos), written into `dir`. */
export function writeKernelspec(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelJson(), null, 2) + "\n");
  for (const logo of LOGOS) cpSync(join(LOGO_DIR, logo), join(dir, logo));
}

const SCOPE_FLAGS = (scope: Scope): string[] => (scope.kind === "user" ? ["--user"] : scope.kind === "sys-prefix" ? ["--sys-prefix"] : ["--prefix", scope.prefix]);

/**
 * Installs the kernelspec where Jupyter looks for it: through `jupyter kernelspec install` when a
 * `jupyter` is on PATH (its own path rules, whatever its version), else by Jupyter's rules as
 * jupyterPaths.ts repeats them. Returns the folder it went to.
 */
export function install(scope: Scope, name = KERNEL_NAME, jupyter = jupyterOnPath()): string {
  if (!jupyter) {
    const dir = join(kernelsDir(scope), name);
    rmSync(dir, { recursive: true, force: true }); // as --replace does: no file of an older spec stays
    writeKernelspec(dir);
    return dir;
  }
  const staging = mkdtempSync(join(tmpdir(), "sluice-kernelspec-"));
  try {
    writeKernelspec(join(staging, name));
    const args = ["kernelspec", "install", join(staging, name), "--name", name, "--replace", ...SCOPE_FLAGS(scope)];
    const r = spawnSync(jupyter, args, { encoding: "utf8" });
    // Success is reported on stderr: "[InstallKernelSpec] Installed kernelspec sluice in /path".
    const said = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    const installed = /Installed kernelspec \S+ in (.+)$/m.exec(said)?.[1]?.trim();
    if (r.error || r.status !== 0 || !installed) {
      throw new KernelspecError(`${jupyter} ${args.join(" ")} failed: ${r.error?.message ?? (said.trim() || `exit ${r.status}`)}`);
    }
    return installed;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function uninstall(scope: Scope, name = KERNEL_NAME): string | null {
  const dir = join(kernelsDir(scope), name);
  if (!existsSync(dir)) return null;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}
