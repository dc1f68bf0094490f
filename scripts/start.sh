#!/usr/bin/env bash
# The main job. Default: JupyterLab on localhost serving notebooks/ with the Sluice kernel.
# --headless: execute notebooks/quickstart.ipynb and write an HTML report, no browser needed.
# --kafka[=3.9|4]: also start a local Apache Kafka broker (scripts/kafka.sh; KRaft, loopback) for
#   the notebooks' `kafka` setting; its address is printed and given to the kernel as
#   SLUICE_KAFKA_BOOTSTRAP. A broker started here stops when JupyterLab does.
# Other arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
headless=0
kafka=""
lab_args=()
for arg in "$@"; do
  case "$arg" in
    --headless) headless=1 ;;
    --kafka) kafka=default ;;
    --kafka=*) kafka="${arg#--kafka=}" ;;
    *) lab_args+=("$arg") ;;
  esac
done

bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.venv/share/jupyter"

if [ "$headless" = 1 ]; then
  mkdir -p reports
  node bin/sluice.js report notebooks/quickstart.ipynb -o reports/quickstart.html
  echo "report: $PWD/reports/quickstart.html"
  exit 0
fi

port=${SLUICE_PORT:-8888}
[ "$(id -u)" = 0 ] && lab_args+=(--allow-root)  # containers and CI machines often run as root
lab=(.venv/bin/jupyter lab --no-browser --ip=127.0.0.1 --port="$port" --ServerApp.root_dir="$PWD/notebooks" "${lab_args[@]}")
if [ -z "$kafka" ]; then
  echo "Starting JupyterLab on http://127.0.0.1:$port/lab (the URL with its token is printed below)"
  exec "${lab[@]}"
fi

version=()
[ "$kafka" != default ] && version=("$kafka")
# A broker that was already running (e.g. for the tests) is used and left running.
if ! bash scripts/kafka.sh status "${version[@]}" >/dev/null 2>&1; then
  trap 'bash scripts/kafka.sh stop "${version[@]}" >/dev/null 2>&1 || true' EXIT
  trap 'exit 143' TERM INT  # so the EXIT trap runs when JupyterLab is stopped with the script
fi
SLUICE_KAFKA_BOOTSTRAP=$(bash scripts/kafka.sh start "${version[@]}")
export SLUICE_KAFKA_BOOTSTRAP
echo "Kafka broker on $SLUICE_KAFKA_BOOTSTRAP: set a notebook's kafka setting to \"$SLUICE_KAFKA_BOOTSTRAP\""
echo "Starting JupyterLab on http://127.0.0.1:$port/lab (the URL with its token is printed below)"
"${lab[@]}"
