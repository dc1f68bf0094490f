#!/usr/bin/env bash
# The main job. Default: JupyterLab on localhost serving notebooks/ with the Sluice kernel.
# --headless: execute notebooks/quickstart.ipynb and write an HTML report, no browser needed.
# --kafka[=3.9|4]: also start a local Apache Kafka broker (scripts/kafka.sh; KRaft, loopback) for
#   the notebooks' `kafka` setting; its address is printed and given to the kernel as
#   SLUICE_KAFKA_BOOTSTRAP. A broker started here stops when JupyterLab does.
# --flink[=N]: also start a local Apache Flink cluster (scripts/flink.sh: JobManager, N TaskManagers,
#   SQL Gateway; loopback) and give the kernel its gateway as SLUICE_FLINK_GATEWAY, so `%%ssql`
#   cells run on it (`--target local` keeps a cell on the embedded engine). A cluster started here
#   stops when JupyterLab does.
# Other arguments go to `jupyter lab`.
set -euo pipefail
cd "$(dirname "$0")/.."
headless=0
kafka=""
flink=""
lab_args=()
for arg in "$@"; do
  case "$arg" in
    --headless) headless=1 ;;
    --kafka) kafka=default ;;
    --kafka=*) kafka="${arg#--kafka=}" ;;
    --flink) flink=1 ;;
    --flink=*) flink="${arg#--flink=}" ;;
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
stops=()
# One EXIT trap stops what this script started (a broker or cluster already running is left alone).
trap 'for s in "${stops[@]}"; do eval "$s" >/dev/null 2>&1 || true; done' EXIT
trap 'exit 143' TERM INT  # so the EXIT trap runs when JupyterLab is stopped with the script

if [ -n "$flink" ]; then
  [[ "$flink" =~ ^[1-9][0-9]*$ ]] || { echo "start.sh: --flink=N takes a number of TaskManagers, not '$flink'" >&2; exit 2; }
  bash scripts/flink.sh status >/dev/null 2>&1 || stops+=("bash scripts/flink.sh stop")
  mapfile -t flink_urls < <(bash scripts/flink.sh start --taskmanagers "$flink")
  export SLUICE_FLINK_GATEWAY="${flink_urls[0]}"
  echo "Flink SQL Gateway on $SLUICE_FLINK_GATEWAY (dashboard ${flink_urls[1]}): %%ssql cells run there"
fi

if [ -z "$kafka" ]; then
  echo "Starting JupyterLab on http://127.0.0.1:$port/lab (the URL with its token is printed below)"
  [ ${#stops[@]} -eq 0 ] && exec "${lab[@]}"
  "${lab[@]}"
  exit
fi

version=()
[ "$kafka" != default ] && version=("$kafka")
# A broker that was already running (e.g. for the tests) is used and left running.
if ! bash scripts/kafka.sh status "${version[@]}" >/dev/null 2>&1; then
  stops+=("bash scripts/kafka.sh stop ${version[*]}")
fi
SLUICE_KAFKA_BOOTSTRAP=$(bash scripts/kafka.sh start "${version[@]}")
export SLUICE_KAFKA_BOOTSTRAP
echo "Kafka broker on $SLUICE_KAFKA_BOOTSTRAP: set a notebook's kafka setting to \"$SLUICE_KAFKA_BOOTSTRAP\""
echo "Starting JupyterLab on http://127.0.0.1:$port/lab (the URL with its token is printed below)"
"${lab[@]}"
