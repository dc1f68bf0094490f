#!/usr/bin/env bash
# The check gate (`npm run check`; scripts/test.sh runs it before any test): lint and format of the
# TypeScript (Biome, biome.jsonc) and of the Python tests (ruff, ruff.toml), the engine type-checked
# alone (engine/tsconfig.check.json: the engine must not need the kernel or the tests), and every
# ```ts block of README.md and engine/README.md type-checked as notebook cells. Needs the build and
# .venv (bash scripts/setup.sh). `npm run format` rewrites what the format checks would reject.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/ruff ] || { echo "check: .venv/bin/ruff missing: run bash scripts/setup.sh" >&2; exit 1; }
status=0
step() { local name=$1; shift; local t0=$SECONDS; if "$@"; then echo "check: $name ok ($((SECONDS - t0)) s)"; else echo "check: $name FAILED" >&2; status=1; fi; }
step "biome (TypeScript lint + format)" npx biome ci --error-on-warnings .
step "ruff (Python lint)" .venv/bin/ruff check --quiet
step "ruff (Python format)" .venv/bin/ruff format --check --quiet
step "engine type check alone" node node_modules/typescript/bin/tsc -p engine/tsconfig.check.json --noEmit
step "README examples" node dist/test/support/checkReadmeExamples.js
exit $status
