#!/usr/bin/env bash
# The main job. Default: JupyterLab on localhost serving notebooks/ with the Sluice kernel.
# --headless: execute notebooks/quickstart.ipynb and write an HTML report, no browser needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.venv/share/jupyter"

if [ "${1:-}" = "--headless" ]; then
  mkdir -p reports
  node bin/sluice.js report notebooks/quickstart.ipynb -o reports/quickstart.html
  echo "report: $PWD/reports/quickstart.html"
  exit 0
fi

port=${SLUICE_PORT:-8888}
extra=()
[ "$(id -u)" = 0 ] && extra+=(--allow-root)  # containers and CI machines often run as root
echo "Starting JupyterLab on http://127.0.0.1:$port/lab (the URL with its token is printed below)"
exec .venv/bin/jupyter lab --no-browser --ip=127.0.0.1 --port="$port" --ServerApp.root_dir="$PWD/notebooks" "${extra[@]}" "$@"
