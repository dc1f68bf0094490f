#!/usr/bin/env bash
# Removes compiled files in dist/ whose TypeScript source is gone (a renamed or deleted test would
# otherwise still run: scripts/test.sh runs every dist/**/*.test.js). Incremental builds stay
# incremental: outputs of existing sources are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d dist ] || exit 0
removed=0
while IFS= read -r -d '' f; do
  rel=${f#dist/}
  src=${rel%.map}
  src=${src%.d.ts}
  src=${src%.js}
  if [ ! -e "$src.ts" ] && [ ! -e "$src.tsx" ]; then rm -f "$f"; removed=$((removed + 1)); fi
done < <(find dist -path dist/readme-examples -prune -o \( -name '*.js' -o -name '*.d.ts' -o -name '*.js.map' -o -name '*.d.ts.map' \) -type f -print0)
[ "$removed" = 0 ] || echo "clean-dist: removed $removed compiled files without a source" >&2
