#!/usr/bin/env bash
# Sets up everything Sluice needs, idempotently: npm packages, the TypeScript build, a
# project-local Python venv with JupyterLab (for the Jupyter side only), and the kernelspec
# installed into that venv. Re-running on a ready machine only rebuilds (a few seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# Node 20.19+ is required: cells load the engine (ES modules) through tslab's require().
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node "+process.version+" is too old: Sluice needs Node >= 20.19"); process.exit(1) }'

source "$ROOT/scripts/stamps.sh"

npm_ci_when_lock_changed

say "building TypeScript"
node node_modules/typescript/bin/tsc -b tsconfig.json   # the pinned TypeScript (npx tsc may be tslab's bundled 5.0); incremental: a no-change build takes about a second (dist/.tsbuildinfo)

PY=${PYTHON:-python3}
req_hash=$(sha256sum scripts/requirements-jupyter.txt | cut -c1-16)
if ! stamp_ok .venv/.sluice-stamp "$req_hash"; then
  say "creating Python venv with JupyterLab (.venv)"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/requirements-jupyter.txt
  echo "$req_hash" > .venv/.sluice-stamp
fi

# Node files shipped inside Python packages (JupyterLab's yarn.js) are CommonJS; without this
# they would inherit our package.json's "type": "module", since .venv sits inside the repo.
echo '{ "type": "commonjs" }' > .venv/package.json

# Jupyter Server settings for Sluice (TCP_NODELAY on kernel websockets: kernel/jupyter) and its
# JupyterLab extension (kernel/jupyter/labextension; npm ci and build only when it changed).
bash scripts/jupyter-server-config.sh .venv/bin/python
node bin/sluice.js install --prefix "$ROOT/.venv" >/dev/null
say "ready: kernelspec 'sluice' installed in .venv"
