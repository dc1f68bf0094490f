#!/usr/bin/env bash
# Builds Sluice's prebuilt JupyterLab extension (kernel/jupyter/labextension, why: its src/index.ts)
# into kernel/jupyter/sluice_jupyter/labextension, with the Jupyter builder of the given
# interpreter's environment (jupyter-builder, which JupyterLab 4.6 ships). Idempotent: npm ci only
# when the extension's lockfile changed, the build only when its sources did. Its node_modules is
# its own, not the project's. Called by scripts/jupyter-server-config.sh, which installs the result.
set -euo pipefail
PY=${1:?usage: scripts/labextension.sh PYTHON}
bin=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["scripts"])')
scripts_dir=$(cd "$(dirname "$0")" && pwd)
cd "$scripts_dir/../kernel/jupyter/labextension"
say() { printf '\033[1m[labextension]\033[0m %s\n' "$*" >&2; }
source "$scripts_dir/stamps.sh"

npm_ci_when_lock_changed

out=../sluice_jupyter/labextension
src_hash=$(cat package-lock.json package.json tsconfig.json src/*.ts | sha256sum | cut -c1-16)
if ! stamp_ok node_modules/.sluice-build-stamp "$src_hash" || [ ! -f "$out/package.json" ]; then
  say "building the JupyterLab extension"
  npx tsc -p tsconfig.json
  # jupyter-builder finds node and its own helpers on PATH: the environment's bin first.
  PATH="$bin:$PATH" "$bin/jupyter-builder" build . >/dev/null
  echo "$src_hash" > node_modules/.sluice-build-stamp
fi
