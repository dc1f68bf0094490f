#!/usr/bin/env bash
# Sets up (idempotently) and runs every test: unit and integration tests on Node's test
# runner, then the Jupyter-client tests (jupyter_kernel_test, nbclient, wire security) on pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.venv/share/jupyter"
export PATH="$PWD/.venv/bin:$PATH"
export SLUICE_HISTORY=off

status=0
echo "== node tests"
# Node 20's runner takes no globs; list the compiled test files ourselves.
mapfile -t node_tests < <(find dist -name '*.test.js' | sort)
node --test --test-concurrency=1 --test-force-exit "${node_tests[@]}" || status=1
echo "== jupyter client tests"
.venv/bin/python -m pytest -q test/python || status=1
exit $status
