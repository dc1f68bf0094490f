#!/usr/bin/env node
// Entry point of the `sluice` command; the code lives in dist/ (npm run build).
import { writeSync } from "node:fs";
import { main } from "../dist/kernel/src/main.js";

main(process.argv.slice(2)).catch((e) => {
  // Straight to fd 2: a running kernel has redirected process.stderr to the notebook.
  const usage = e instanceof Error && e.name === "UsageError";
  writeSync(2, usage ? `sluice: ${e.message}\nrun "sluice" with no arguments for usage\n` : `sluice: fatal: ${e?.stack ?? e}\n`);
  process.exit(usage ? 2 : 1);
});
