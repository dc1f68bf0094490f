import { install, Scope, uninstall } from "./install/kernelspec.js";
import { startKernel } from "./session/kernel.js";
import { REPORT_USAGE, reportCommand } from "./report/reportCommand.js";

const USAGE = `usage:
  sluice install [--user | --sys-prefix | --prefix DIR] [--name NAME]   write the kernelspec
  sluice uninstall [--user | --sys-prefix | --prefix DIR] [--name NAME] remove it
  sluice kernel --connection-file FILE                                  run the kernel (Jupyter does this)
${REPORT_USAGE}`;

class UsageError extends Error {
  override name = "UsageError";
}

function parseScope(args: string[]): { scope: Scope; name?: string } {
  let scope: Scope = { kind: "user" };
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--user") scope = { kind: "user" };
    else if (a === "--sys-prefix") scope = { kind: "sys-prefix" };
    else if (a === "--prefix") scope = { kind: "prefix", prefix: args[++i] ?? "" };
    else if (a === "--name") name = args[++i];
    else throw new UsageError(`unknown option ${a}`);
  }
  if (scope.kind === "prefix" && !scope.prefix) throw new UsageError("--prefix needs a directory");
  return name === undefined ? { scope } : { scope, name };
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "install": {
      const { scope, name } = parseScope(rest);
      console.log(`installed kernelspec in ${install(scope, name)}`);
      return;
    }
    case "uninstall": {
      const { scope, name } = parseScope(rest);
      const dir = uninstall(scope, name);
      console.log(dir ? `removed ${dir}` : "no kernelspec to remove");
      return;
    }
    case "kernel": {
      const i = rest.findIndex((a) => a === "--connection-file" || a === "-f");
      const file = i >= 0 ? rest[i + 1] : undefined;
      if (!file) throw new UsageError("kernel needs --connection-file FILE");
      await startKernel(file);
      return;
    }
    case "report": {
      process.exitCode = await reportCommand(rest);
      return;
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
