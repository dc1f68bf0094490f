#!/usr/bin/env node
// Entry point of the `sluice` command; the code lives in dist/ (npm run build).
import { main } from "../dist/kernel/src/main.js";

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error && e.name === "UsageError" ? `sluice: ${e.message}\nrun "sluice" with no arguments for usage` : e);
  process.exit(e instanceof Error && e.name === "UsageError" ? 2 : 1);
});
