import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";

/**
 * Jupyter's own rules for where kernelspecs go, for when no `jupyter` command is at hand to ask
 * (jupyter_core 5's paths.jupyter_data_dir; `jupyter --paths` prints the result). JUPYTER_PATH is
 * not among them: it only adds folders Jupyter searches, and `jupyter kernelspec install` never
 * writes there either.
 */

export type Scope = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; prefix: string };

export class KernelspecError extends Error {
  override name = "KernelspecError";
}

/** jupyter_core's envset: set, and not one of its words for "off". */
function envSet(name: string, env: NodeJS.ProcessEnv): boolean {
  const v = env[name];
  return v !== undefined && !["no", "n", "false", "off", "0", "0.0"].includes(v.toLowerCase());
}

/** jupyter_core's jupyter_data_dir(): the user's Jupyter data folder. */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = env.HOME && platform !== "win32" ? env.HOME : homedir();
  const xdg = (): string => join(env.XDG_DATA_HOME || join(home, ".local", "share"), "jupyter");
  if (envSet("JUPYTER_PLATFORM_DIRS", env)) {
    // platformdirs.user_data_dir("jupyter", appauthor=False)
    if (platform === "darwin") return join(home, "Library", "Application Support", "jupyter");
    if (platform === "win32") return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), "jupyter");
    return xdg();
  }
  if (platform === "darwin") return join(home, "Library", "Jupyter");
  if (platform === "win32") return env.APPDATA ? resolve(env.APPDATA, "jupyter") : join(home, ".jupyter", "data");
  return xdg();
}

function sysPrefix(): string {
  const env = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX;
  if (env) return env;
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch (e) {
    throw new KernelspecError(`--sys-prefix needs an active venv/conda env or python3 on PATH: ${String(e)}`, { cause: e });
  }
}

/** Where Jupyter keeps the kernelspecs of this scope. */
export function kernelsDir(scope: Scope): string {
  switch (scope.kind) {
    case "user":
      return join(jupyterDataDir(), "kernels");
    case "sys-prefix":
      return join(sysPrefix(), "share", "jupyter", "kernels");
    case "prefix":
      return join(resolve(scope.prefix), "share", "jupyter", "kernels");
  }
}

/** The `jupyter` command on PATH, if there is one: it then installs the kernelspec itself. */
export function jupyterOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = process.platform === "win32" ? ["jupyter.exe", "jupyter.cmd", "jupyter"] : ["jupyter"];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this PATH entry: try the next
      }
    }
  }
  return undefined;
}
